#pragma once
// Gradient-norm clipping that never waits for the device: LibTorch's C++
// clip_grad_norm_ returns the norm as a host double, which forces a CUDA
// synchronization every step. Same arithmetic as torch.nn.utils.clip_grad_norm_.
#include <torch/torch.h>

#include <vector>

namespace parlance {

// Scales the gradients of `params` in place so that their joint L2 norm is at
// most max_norm; returns the norm before clipping (a 0-dim tensor on the
// gradients' device).
torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace parlance
