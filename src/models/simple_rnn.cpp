#include "models/simple_rnn.h"

namespace parlance {

SimpleRnnLm::SimpleRnnLm(const LmSpec& spec, Cell cell) : spec_(spec), cell_(cell) {
  emb_ = register_module("emb", torch::nn::Embedding(spec.vocab, spec.emb));
  const double between = spec.layers > 1 ? spec.hidden_p * spec.drop_mult : 0.0;
  switch (cell) {
    case Cell::Rnn:
      rnn_ = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(spec.emb, spec.hidden).num_layers(spec.layers).dropout(between)));
      break;
    case Cell::Gru:
      gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(spec.emb, spec.hidden).num_layers(spec.layers).dropout(between)));
      break;
    case Cell::Lstm:
      lstm_ = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(spec.emb, spec.hidden).num_layers(spec.layers).dropout(between)));
      break;
  }
  tied_ = spec.tie_weights && spec.emb == spec.hidden;
  if (!tied_) dec_weight_ = register_parameter("decoder_weight", torch::empty({spec.vocab, spec.hidden}).uniform_(-0.1, 0.1));
  dec_bias_ = register_parameter("decoder_bias", torch::zeros({spec.vocab}));
}

LmState SimpleRnnLm::initial_state(int64_t bs, torch::Device device) const {
  auto zeros = [&] { return torch::zeros({spec_.layers, bs, spec_.hidden}, torch::TensorOptions().device(device)); };
  return cell_ == Cell::Lstm ? LmState{zeros(), zeros()} : LmState{zeros()};
}

LmOutput SimpleRnnLm::forward(const torch::Tensor& tokens, LmState& state) {
  torch::Tensor x = emb_->forward(tokens), out;
  switch (cell_) {
    case Cell::Rnn: std::tie(out, state[0]) = rnn_->forward(x, state[0]); break;
    case Cell::Gru: std::tie(out, state[0]) = gru_->forward(x, state[0]); break;
    case Cell::Lstm: {
      auto [o, hc] = lstm_->forward(x, std::make_tuple(state[0], state[1]));
      out = o;
      state[0] = std::get<0>(hc);
      state[1] = std::get<1>(hc);
      break;
    }
  }
  return {out, out, tied_ ? emb_->weight : dec_weight_, dec_bias_};
}

std::vector<std::string> SimpleRnnLm::vocab_parameter_names() const {
  std::vector<std::string> names{"emb.weight", "decoder_bias"};
  if (!tied_) names.push_back("decoder_weight");
  return names;
}

ParamGroups SimpleRnnLm::layer_groups() {
  torch::nn::Module& cell = cell_ == Cell::Rnn ? static_cast<torch::nn::Module&>(*rnn_)
                            : cell_ == Cell::Gru ? static_cast<torch::nn::Module&>(*gru_)
                                                 : static_cast<torch::nn::Module&>(*lstm_);
  std::vector<torch::Tensor> decoder{dec_bias_};
  if (!tied_) decoder.push_back(dec_weight_);
  return {{emb_->weight}, cell.parameters(), decoder};
}

}  // namespace parlance
