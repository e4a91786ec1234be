#include "models/seq2seq_attn.h"

#include <cmath>
#include <limits>

namespace parlance {

Seq2SeqAttn::Seq2SeqAttn(const Seq2SeqSpec& spec) {
  encoder_ = register_module("encoder", GruEncoder(spec));
  const int64_t E = encoder_->output_size(), D = spec.tgt_emb;
  decoder_ = register_module("decoder", GruDecoder(spec, D));
  w1_ = register_parameter("attn_w1", torch::randn({E, D}) / std::sqrt(static_cast<double>(E)));
  v_ = register_parameter("attn_v", torch::randn({D}) / std::sqrt(static_cast<double>(D)));
  l2_ = register_module("attn_l2", torch::nn::Linear(D, D));
  l3_ = register_module("attn_l3", torch::nn::Linear(D + E, D));
}

DecoderState Seq2SeqAttn::encode(const torch::Tensor& src) {
  DecoderState s = encoder_->forward(src);
  s.source.keys = torch::matmul(s.source.outputs, w1_);  // (S, B, D), once per sentence
  // Padding masked once per batch, in the outputs' type (no cast per step
  // under autocast): every decoder step adds it inside one addmv.
  s.source.score_bias = torch::zeros(s.source.mask.sizes(), s.source.outputs.options())
                            .masked_fill(s.source.mask.logical_not(), -std::numeric_limits<float>::infinity());
  s.source.mask = torch::Tensor();  // in score_bias now
  return s;
}

DecoderStep Seq2SeqAttn::step(DecoderState& state, const torch::Tensor& prev) {
  const EncodedSource& src = state.source;
  // The decoder runs once per target position, launch-bound on a GPU: the
  // scores are one addmv with the padding bias (matmul + logical_not +
  // masked_fill were three kernels, and one more backward); the same values.
  // Tried: the context as a bmm over the outputs read through strides — 8-15%
  // slower on CPU (2 cores), so the lesson's weighted sum stays.
  const torch::Tensor u = torch::tanh(src.keys + l2_->forward(state.hidden[-1]));  // (S, B, D)
  const int64_t S = u.size(0), B = u.size(1);
  const torch::Tensor scores =
      torch::addmv(src.score_bias.reshape({S * B}), u.reshape({S * B, u.size(2)}), v_).view({S, B});
  const torch::Tensor a = torch::softmax(scores, 0);  // (S, B)
  const torch::Tensor context = (a.unsqueeze(2) * src.outputs).sum(0);  // (B, E)
  const torch::Tensor emb = decoder_->embedding()->forward(prev);           // (B, D)
  const torch::Tensor x = l3_->forward(torch::cat({emb, context}, 1));
  return {decoder_->forward(x, state.hidden), a.t()};
}

ParamGroups Seq2SeqAttn::layer_groups() {
  std::vector<torch::Tensor> dec = decoder_->parameters();
  for (auto& p : {w1_, v_}) dec.push_back(p);
  for (auto& p : l2_->parameters()) dec.push_back(p);
  for (auto& p : l3_->parameters()) dec.push_back(p);
  return {encoder_->parameters(), dec};
}

}  // namespace parlance
