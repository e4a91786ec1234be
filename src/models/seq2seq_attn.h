#pragma once
// The lesson's Seq2SeqAttnRNN (with `bidirectional`, its Seq2SeqRNN_All):
// before each decoder step, additive attention over the encoder's outputs —
// u = tanh(outputs·W1 + l2(h_top)), weights = softmax over the real source
// tokens of u·v — and the weighted sum of the outputs is concatenated with the
// previous token's embedding and mixed by a linear layer into the decoder
// GRU's input. The lesson's softmax also covered padding; here padded
// positions get weight 0, so a sentence's attention is the same whatever it
// is batched with.
#include "models/gru_encoder.h"
#include "models/seq2seq_model.h"
#include "models/seq2seq_rnn.h"

namespace parlance {

class Seq2SeqAttn : public Seq2SeqModel {
 public:
  explicit Seq2SeqAttn(const Seq2SeqSpec& spec);
  DecoderState encode(const torch::Tensor& src) override;
  DecoderStep step(DecoderState& state, const torch::Tensor& prev) override;
  ParamGroups layer_groups() override;
  torch::nn::Embedding& source_embedding() override { return encoder_->embedding(); }
  torch::nn::Embedding& target_embedding() override { return decoder_->embedding(); }

 private:
  GruEncoder encoder_{nullptr};
  GruDecoder decoder_{nullptr};
  torch::Tensor w1_, v_;  // (E, D), (D): the lesson's W1 and V, initialized randn / sqrt(fan_in)
  torch::nn::Linear l2_{nullptr}, l3_{nullptr};
};

}  // namespace parlance
