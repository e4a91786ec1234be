#include "models/awd_lstm.h"

#include <cmath>

#include "models/lstm_layer.h"
#include "util/error.h"

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

AwdLstmEncoder::AwdLstmEncoder(const LmSpec& spec) : spec_(spec) {
  // fastai: embedding uniform(-0.1, 0.1); LSTM weights uniform(-1/sqrt(n), 1/sqrt(n)) as PyTorch does.
  emb_ = register_parameter("embedding", torch::empty({spec.vocab, spec.emb}).uniform_(-0.1, 0.1));
  for (int64_t l = 0; l < spec.layers; ++l) {
    int64_t in = l == 0 ? spec.emb : spec.hidden;
    // The last layer returns to the embedding size so the decoder can be tied to it.
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
  last_w_hh_.resize(layers_.size());
}

LmState AwdLstmEncoder::initial_state(int64_t bs, torch::Device device) const {
  LmState s;
  for (const auto& l : layers_) {
    s.push_back(torch::zeros({1, bs, l.out}, torch::TensorOptions().device(device)));
    s.push_back(torch::zeros({1, bs, l.out}, torch::TensorOptions().device(device)));
  }
  return s;
}

torch::Tensor AwdLstmEncoder::forward(const torch::Tensor& tokens, LmState& state) {
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
  return raw;
}

std::vector<std::vector<torch::Tensor>> AwdLstmEncoder::lstm_groups() const {
  std::vector<std::vector<torch::Tensor>> groups;
  for (const auto& l : layers_) groups.push_back({l.w_ih, l.w_hh, l.b_ih, l.b_hh});
  return groups;
}

LmDecoder::LmDecoder(int64_t vocab, int64_t in, bool tied) {
  if (!tied) weight_ = register_parameter("weight", torch::empty({vocab, in}).uniform_(-0.1, 0.1));
  bias_ = register_parameter("bias", torch::zeros({vocab}));
}

AwdLstm::AwdLstm(const LmSpec& spec) : spec_(spec) {
  encoder_ = register_module("encoder", std::make_shared<AwdLstmEncoder>(spec));
  decoder_ = register_module("decoder", std::make_shared<LmDecoder>(spec.vocab, encoder_->output_size(), spec.tie_weights));
}

LmState AwdLstm::initial_state(int64_t bs, torch::Device device) const { return encoder_->initial_state(bs, device); }

LmOutput AwdLstm::forward(const torch::Tensor& tokens, LmState& state) {
  torch::Tensor raw = encoder_->forward(tokens, state);
  torch::Tensor dropped = locked_dropout(raw, spec_.output_p * spec_.drop_mult, is_training());
  torch::Tensor weight = spec_.tie_weights ? encoder_->embedding() : decoder_->weight();
  return {dropped, raw, weight, decoder_->bias()};
}

std::vector<std::string> AwdLstm::vocab_parameter_names() const {
  std::vector<std::string> names{"encoder.embedding", "decoder.bias"};
  if (!spec_.tie_weights) names.push_back("decoder.weight");
  return names;
}

ParamGroups AwdLstm::layer_groups() {
  // fastai's awd_lstm_lm_split: each LSTM layer (with its DropConnect weight),
  // then the embedding with the decoder.
  ParamGroups groups = encoder_->lstm_groups();
  std::vector<torch::Tensor> last{encoder_->embedding()};
  for (const auto& p : decoder_->parameters()) last.push_back(p);
  groups.push_back(last);
  return groups;
}

}  // namespace parlance
