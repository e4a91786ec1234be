#include "models/seq2seq_rnn.h"

namespace parlance {

GruDecoderImpl::GruDecoderImpl(const Seq2SeqSpec& spec, int64_t input_size) : spec_(spec) {
  emb_ = register_module("embedding", padded_embedding(spec.tgt_vocab, spec.tgt_emb, spec.tgt_pad_idx));
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(input_size, spec.tgt_emb)
                                                   .num_layers(spec.layers)
                                                   .dropout(spec.layers > 1 ? spec.dec_hidden_p : 0.0)));
  // nn.Linear's init for the bias; the weight is the embedding's when tied.
  const double bound = 1.0 / std::sqrt(static_cast<double>(spec.tgt_emb));
  out_bias_ = register_parameter("out_bias", torch::empty({spec.tgt_vocab}).uniform_(-bound, bound));
  out_weight_ = spec.tie_weights ? emb_->weight
                                 : register_parameter("out_weight", torch::empty({spec.tgt_vocab, spec.tgt_emb}).uniform_(-bound, bound));
}

torch::Tensor GruDecoderImpl::forward(const torch::Tensor& x, torch::Tensor& hidden) {
  namespace F = torch::nn::functional;
  auto [out, h] = gru_->forward(x.unsqueeze(0), hidden);
  hidden = h;
  const torch::Tensor o = F::dropout(out[0], F::DropoutFuncOptions().p(spec_.dec_output_p).training(is_training()));
  return torch::linear(o, out_weight_, out_bias_);
}

Seq2SeqRnn::Seq2SeqRnn(const Seq2SeqSpec& spec) {
  encoder_ = register_module("encoder", GruEncoder(spec));
  decoder_ = register_module("decoder", GruDecoder(spec, spec.tgt_emb));
}

DecoderStep Seq2SeqRnn::step(DecoderState& state, const torch::Tensor& prev) {
  return {decoder_->forward(decoder_->embedding()->forward(prev), state.hidden), {}};
}

}  // namespace parlance
