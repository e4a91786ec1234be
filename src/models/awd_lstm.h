#pragma once
// AWD-LSTM (Merity et al. 2017) as fastai builds it, as encoder + head
// (fastai's SequentialRNN):
//  - AwdLstmEncoder: an embedding with embedding dropout (whole rows), locked
//    (variational) dropout on the input and between layers, DropConnect on each
//    layer's hidden-to-hidden weights with a fresh mask every forward while
//    still running each layer as one fused op (models/lstm_layer.h: cuDNN on
//    CUDA, our own one-node LSTM on CPU). This is what ULMFiT transfers.
//  - LmDecoder: output dropout and a linear layer to the vocabulary, tied to
//    the encoder's embedding (fastai's default) or with its own weight.
#include "models/language_model.h"

namespace parlance {

// Locked dropout: one mask per sequence, shared across time steps. x: (seq, bs, n).
torch::Tensor locked_dropout(const torch::Tensor& x, double p, bool training);
// Embedding dropout: drops whole rows of the embedding matrix (words), scales the rest.
torch::Tensor embedding_dropout(const torch::Tensor& weight, double p, bool training);

class AwdLstmEncoder : public torch::nn::Module {
 public:
  explicit AwdLstmEncoder(const LmSpec& spec);
  // tokens (seq, bs) → the last layer's output (seq, bs, n) before any output
  // dropout; `state` (one (h, c) pair per layer) is updated in place.
  torch::Tensor forward(const torch::Tensor& tokens, LmState& state);
  LmState initial_state(int64_t bs, torch::Device device) const;
  int64_t output_size() const { return layers_.back().out; }

  torch::Tensor embedding() const { return emb_; }
  // One group per LSTM layer, then the embedding (fastai's awd_lstm splits).
  std::vector<std::vector<torch::Tensor>> lstm_groups() const;
  // The hidden-to-hidden weight layer l actually used in the last forward.
  const torch::Tensor& last_w_hh(size_t l) const { return last_w_hh_[l]; }

 private:
  struct Layer {
    torch::Tensor w_ih, w_hh, b_ih, b_hh;
    int64_t out;
  };
  LmSpec spec_;
  torch::Tensor emb_;
  std::vector<Layer> layers_;
  std::vector<torch::Tensor> last_w_hh_;
};

// The language-model head: bias always, a weight only when not tied.
class LmDecoder : public torch::nn::Module {
 public:
  LmDecoder(int64_t vocab, int64_t in, bool tied);
  torch::Tensor weight() const { return weight_; }  // undefined when tied
  torch::Tensor bias() const { return bias_; }

 private:
  torch::Tensor weight_, bias_;
};

class AwdLstm : public LanguageModel {
 public:
  explicit AwdLstm(const LmSpec& spec);
  LmOutput forward(const torch::Tensor& tokens, LmState& state) override;
  LmState initial_state(int64_t bs, torch::Device device) const override;
  std::vector<std::string> vocab_parameter_names() const override;
  ParamGroups layer_groups() override;
  std::shared_ptr<torch::nn::Module> encoder() override { return encoder_; }

  const LmSpec& spec() const { return spec_; }
  AwdLstmEncoder& awd_encoder() { return *encoder_; }

 private:
  LmSpec spec_;
  std::shared_ptr<AwdLstmEncoder> encoder_;
  std::shared_ptr<LmDecoder> decoder_;
};

}  // namespace parlance
