#include "models/awd_lstm.h"

#include <cmath>

#include "models/lstm_layer.h"

namespace parlance {

torch::Tensor locked_dropout(const torch::Tensor& x, double p, bool training) {
  if (!training || p == 0) return x;
  auto mask = torch::empty({1, x.size(1), x.size(2)}, x.options()).bernoulli_(1 - p).div_(1 - p);
  return x * mask;
}

torch::Tensor embedding_dropout(const torch::Tensor& weight, double p, bool training) {
  if (!training || p == 0) return weight;
  auto mask = torch::empty({weight.size(0), 1}, weight.options()).bernoulli_(1 - p).div_(1 - p);
  return weight * mask;
}

AwdLstm::AwdLstm(const LmSpec& spec) : spec_(spec) {
  // fastai: embedding uniform(-0.1, 0.1); LSTM weights uniform(-1/sqrt(n), 1/sqrt(n)) as PyTorch does.
  emb_ = register_parameter("encoder_weight", torch::empty({spec.vocab, spec.emb}).uniform_(-0.1, 0.1));
  for (int64_t l = 0; l < spec.layers; ++l) {
    int64_t in = l == 0 ? spec.emb : spec.hidden;
    int64_t out = l == spec.layers - 1 ? (spec.tie_weights ? spec.emb : spec.hidden) : spec.hidden;
    double k = 1.0 / std::sqrt(static_cast<double>(out));
    std::string p = "rnn" + std::to_string(l) + "_";
    Layer layer;
    layer.w_ih = register_parameter(p + "weight_ih_l0", torch::empty({4 * out, in}).uniform_(-k, k));
    layer.w_hh = register_parameter(p + "weight_hh_l0_raw", torch::empty({4 * out, out}).uniform_(-k, k));
    layer.b_ih = register_parameter(p + "bias_ih_l0", torch::empty({4 * out}).uniform_(-k, k));
    layer.b_hh = register_parameter(p + "bias_hh_l0", torch::empty({4 * out}).uniform_(-k, k));
    layer.out = out;
    layers_.push_back(layer);
  }
  dec_bias_ = register_parameter("decoder_bias", torch::zeros({spec.vocab}));
  last_w_hh_.resize(layers_.size());
}

LmState AwdLstm::initial_state(int64_t bs, torch::Device device) const {
  LmState s;
  for (const auto& l : layers_) {
    s.push_back(torch::zeros({1, bs, l.out}, torch::TensorOptions().device(device)));
    s.push_back(torch::zeros({1, bs, l.out}, torch::TensorOptions().device(device)));
  }
  return s;
}

LmOutput AwdLstm::forward(const torch::Tensor& tokens, LmState& state) {
  const double m = spec_.drop_mult;
  const bool train = is_training();
  torch::Tensor emb_w = embedding_dropout(emb_, spec_.embed_p * m, train);
  torch::Tensor x = torch::embedding(emb_w, tokens, spec_.pad_idx);
  x = locked_dropout(x, spec_.input_p * m, train);
  torch::Tensor raw;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& L = layers_[l];
    // DropConnect: a fresh mask on the raw hidden-to-hidden weights, then the fused kernel.
    torch::Tensor w_hh = torch::dropout(L.w_hh, spec_.weight_p * m, train);
    last_w_hh_[l] = w_hh;
    auto [out, h, c] = lstm_layer(x, state[2 * l], state[2 * l + 1], L.w_ih, w_hh, L.b_ih, L.b_hh);
    state[2 * l] = h;
    state[2 * l + 1] = c;
    raw = out;
    x = l + 1 < layers_.size() ? locked_dropout(out, spec_.hidden_p * m, train) : out;
  }
  torch::Tensor dropped = locked_dropout(raw, spec_.output_p * m, train);
  return {dropped, raw, emb_, dec_bias_};
}

std::vector<std::vector<torch::Tensor>> AwdLstm::layer_groups() {
  // fastai's awd_lstm_lm_split: each LSTM layer (with its DropConnect weight),
  // then the embedding with the tied decoder.
  std::vector<std::vector<torch::Tensor>> groups;
  for (const auto& l : layers_) groups.push_back({l.w_ih, l.w_hh, l.b_ih, l.b_hh});
  groups.push_back({emb_, dec_bias_});
  return groups;
}

}  // namespace parlance
