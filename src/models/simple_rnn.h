#pragma once
// Lesson 7's stateful language models: an embedding, a stack of vanilla RNN,
// GRU or LSTM layers (dropout between layers), and a linear decoder, tied to
// the embedding when the sizes allow. Registered as "rnn", "gru", "lstm".
#include "models/language_model.h"

namespace parlance {

class SimpleRnnLm : public LanguageModel {
 public:
  enum class Cell { Rnn, Gru, Lstm };
  SimpleRnnLm(const LmSpec& spec, Cell cell);
  LmOutput forward(const torch::Tensor& tokens, LmState& state) override;
  LmState initial_state(int64_t bs, torch::Device device) const override;
  std::vector<std::string> vocab_parameter_names() const override;
  ParamGroups layer_groups() override;

 private:
  LmSpec spec_;
  Cell cell_;
  torch::nn::Embedding emb_{nullptr};
  torch::nn::RNN rnn_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::LSTM lstm_{nullptr};
  torch::Tensor dec_weight_, dec_bias_;
  bool tied_;
};

}  // namespace parlance
