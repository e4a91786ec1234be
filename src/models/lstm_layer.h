#pragma once
// One LSTM layer over a whole sequence, with the weights passed in (so
// AWD-LSTM's DropConnect can hand it a freshly masked hidden-to-hidden matrix
// every forward).
//
// On CUDA this is cuDNN's fused kernel (torch::lstm). On CPU, LibTorch's LSTM
// runs every time step as separate autograd ops: each step records a graph
// node per gate operation, and backward adds 70 small weight-gradient matrices
// one by one, then stitches per-step gradients back together with zero-filled
// copies. This layer is instead one autograd node: the forward keeps the
// activated gates, cell states and tanh(cell) of every step, and the backward
// walks back through time with one fused pointwise pass per step, then
// computes the weight and input gradients as single large matrix products
// over all steps. Same function, same gate layout (i, f, g, o) and parameter
// shapes as torch::lstm; tests compare both in double precision.
#include <torch/torch.h>

#include <tuple>

namespace parlance {

// x: (seq, bs, in); h0, c0: (1, bs, hidden); w_ih: (4h, in); w_hh: (4h, h);
// b_ih, b_hh: (4h). Returns (output (seq, bs, h), h_n (1, bs, h), c_n (1, bs, h)).
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> lstm_layer(const torch::Tensor& x, const torch::Tensor& h0,
                                                                  const torch::Tensor& c0, const torch::Tensor& w_ih,
                                                                  const torch::Tensor& w_hh, const torch::Tensor& b_ih,
                                                                  const torch::Tensor& b_hh);

// The CPU path alone (what lstm_layer uses for CPU tensors); exposed for tests.
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> cpu_lstm_layer(const torch::Tensor& x, const torch::Tensor& h0,
                                                                      const torch::Tensor& c0, const torch::Tensor& w_ih,
                                                                      const torch::Tensor& w_hh, const torch::Tensor& b_ih,
                                                                      const torch::Tensor& b_hh);

}  // namespace parlance
