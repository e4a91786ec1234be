#pragma once
// The lesson's encoder, shared by the seq2seq models: embedding → dropout →
// multi-layer GRU (optionally bidirectional) → each layer's final state through
// a bias-free linear "bridge" to the decoder's size (after dropout).
//
// Sources are padded at the end; the GRU runs on packed sequences, so each
// sentence's final state is taken at its own last token and a backward
// direction starts there too — padding never enters the state (the lesson ran
// the GRU over the pads; the packed form is what it meant and what a user of
// OpenNMT/Marian expects). Outputs at padded positions are zeros.
//
// On the CPU the recurrence runs through models/gru_layer.h (one autograd node
// per layer and direction, the same function as torch::nn::GRU's packed form);
// elsewhere through torch::nn::GRU (cuDNN). Both use the module's parameters.
#include <torch/torch.h>

#include <tuple>

#include "models/seq2seq_model.h"

namespace parlance {

class GruEncoderImpl : public torch::nn::Module {
 public:
  explicit GruEncoderImpl(const Seq2SeqSpec& spec);
  // src (S, B) → source outputs (S, B, hidden·directions) and mask, and the
  // decoder's initial state (layers, B, tgt_emb).
  DecoderState forward(const torch::Tensor& src);
  // The GRU alone: x (S, B, src_emb) and lengths (B, CPU int64) → outputs
  // (S, B, hidden·directions), zeros past each length, and final states
  // (layers·directions, B, hidden) as torch::nn::GRU orders them.
  std::tuple<torch::Tensor, torch::Tensor> recur(const torch::Tensor& x, const torch::Tensor& lengths);
  int64_t output_size() const { return spec_.hidden * (spec_.bidirectional ? 2 : 1); }
  torch::nn::Embedding& embedding() { return emb_; }

 private:
  Seq2SeqSpec spec_;
  torch::nn::Embedding emb_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::Linear bridge_{nullptr};

  std::tuple<torch::Tensor, torch::Tensor> recur_packed(const torch::Tensor& x, const torch::Tensor& lengths);
  std::tuple<torch::Tensor, torch::Tensor> recur_on_cpu(const torch::Tensor& x, const torch::Tensor& lengths);
};
TORCH_MODULE(GruEncoder);

// nn.Embedding as the lesson builds it: N(0, 1) rows, the padding row zero and
// never updated.
torch::nn::Embedding padded_embedding(int64_t vocab, int64_t dim, int64_t pad_idx);

}  // namespace parlance
