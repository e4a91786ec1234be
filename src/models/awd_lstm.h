#pragma once
// AWD-LSTM (Merity et al. 2017) as fastai builds it: an embedding with
// embedding dropout (whole rows), locked (variational) dropout on the input,
// between layers and on the output, DropConnect on each layer's
// hidden-to-hidden weights with a fresh mask every forward while still running
// each layer as one fused op (models/lstm_layer.h: cuDNN on CUDA, our own
// one-node LSTM on CPU), and a decoder tied to the embedding.
#include "models/language_model.h"

namespace parlance {

// Locked dropout: one mask per sequence, shared across time steps. x: (seq, bs, n).
torch::Tensor locked_dropout(const torch::Tensor& x, double p, bool training);
// Embedding dropout: drops whole rows of the embedding matrix (words), scales the rest.
torch::Tensor embedding_dropout(const torch::Tensor& weight, double p, bool training);

class AwdLstm : public LanguageModel {
 public:
  explicit AwdLstm(const LmSpec& spec);
  LmOutput forward(const torch::Tensor& tokens, LmState& state) override;
  LmState initial_state(int64_t bs, torch::Device device) const override;
  std::vector<std::vector<torch::Tensor>> layer_groups() override;

  const LmSpec& spec() const { return spec_; }
  torch::Tensor embedding_weight() { return emb_; }
  // The hidden-to-hidden weight layer l actually used in the last forward.
  const torch::Tensor& last_w_hh(size_t l) const { return last_w_hh_[l]; }

 private:
  struct Layer {
    torch::Tensor w_ih, w_hh, b_ih, b_hh;
    int64_t out;
  };
  LmSpec spec_;
  torch::Tensor emb_, dec_bias_;
  std::vector<Layer> layers_;
  std::vector<torch::Tensor> last_w_hh_;
};

}  // namespace parlance
