#pragma once
// One direction of one GRU layer over a batch of sequences of different
// lengths, from a zero initial state, on the CPU: what torch::nn::GRU does
// with a packed sequence, as one autograd node.
//
// Why: LibTorch's packed GRU runs every time step as separate autograd ops
// (two products, a chunk and about ten pointwise ops forward, more backward)
// and computes the input projection and the weight gradients step by step.
// Here the input projection of all steps is one product, each step is one
// recurrent product plus fused pointwise passes (the gates' sigmoid and tanh
// vectorized over the live rows), and backward walks back through time once,
// then forms the input and weight gradients as single products over all
// steps. Same equations and gate layout (r, z, n) as torch::nn::GRU; tests
// compare values and gradients with it in double precision.
//
// Invariants: rows are sorted by length, longest first, so the rows still
// running at any step are a prefix of the batch; a row's outputs past its
// length are zero and its state stops changing there (forward direction) or
// has not started (reverse direction).
#include <torch/torch.h>

#include <tuple>

namespace parlance {

// x: (S, B, in), ignored past each row's length; lengths: (B) int64 on the CPU,
// non-increasing, each in [1, S]; w_ih (3h, in), w_hh (3h, h), b_ih, b_hh (3h).
// reverse: run each row from its last real step back to step 0.
// Returns (outputs (S, B, h), final state (B, h): each row's state after its
// last step in the direction run).
std::tuple<torch::Tensor, torch::Tensor> cpu_gru_layer(const torch::Tensor& x, const torch::Tensor& lengths,
                                                       const torch::Tensor& w_ih, const torch::Tensor& w_hh,
                                                       const torch::Tensor& b_ih, const torch::Tensor& b_hh,
                                                       bool reverse);

}  // namespace parlance
