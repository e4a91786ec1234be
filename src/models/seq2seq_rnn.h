#pragma once
// The lesson's Seq2SeqRNN (with `bidirectional`, its Seq2SeqRNN_Bidir): the
// GRU encoder's final state, bridged to the decoder's size, starts a GRU
// decoder that reads the previous target token's embedding and predicts the
// next token through dropout and an output layer tied to its embedding.
#include "models/gru_encoder.h"
#include "models/seq2seq_model.h"

namespace parlance {

// The decoder half both RNN models share: embedding, GRU, output layer.
class GruDecoderImpl : public torch::nn::Module {
 public:
  GruDecoderImpl(const Seq2SeqSpec& spec, int64_t input_size);
  // x (B, input_size) → logits (B, V); updates hidden (layers, B, tgt_emb).
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor& hidden);
  torch::nn::Embedding& embedding() { return emb_; }

 private:
  Seq2SeqSpec spec_;
  torch::nn::Embedding emb_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::Tensor out_weight_, out_bias_;  // out_weight_ is the embedding's weight when tied
};
TORCH_MODULE(GruDecoder);

class Seq2SeqRnn : public Seq2SeqModel {
 public:
  explicit Seq2SeqRnn(const Seq2SeqSpec& spec);
  DecoderState encode(const torch::Tensor& src) override {
    DecoderState s = encoder_->forward(src);
    s.source = {};  // step() reads the hidden state only
    return s;
  }
  DecoderStep step(DecoderState& state, const torch::Tensor& prev) override;
  ParamGroups layer_groups() override { return {encoder_->parameters(), decoder_->parameters()}; }
  torch::nn::Embedding& source_embedding() override { return encoder_->embedding(); }
  torch::nn::Embedding& target_embedding() override { return decoder_->embedding(); }

 private:
  GruEncoder encoder_{nullptr};
  GruDecoder decoder_{nullptr};
};

}  // namespace parlance
