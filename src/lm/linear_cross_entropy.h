#pragma once
// Mean cross-entropy of a linear decoder's logits, x W^T + b, against targets.
//
// With a 33k-60k word vocabulary the logits of one batch are the largest
// tensor of a language-model step (bptt x bs x vocab floats, ~300 MB for
// WikiText-2 at bs 32). Computed as linear + log_softmax + nll, that tensor
// exists three times (logits, log-probabilities, their gradient), each in
// freshly mapped memory, and exp() runs over it twice. On CPU this function
// keeps one buffer, reused from step to step: the forward writes the logits
// into it and turns them into exp(logit - max) in place; the backward turns
// that into the logits' gradient (softmax - one_hot) / N in place and feeds it
// to the two matrix products. Off CPU (or in reduced precision) it is the
// plain linear + cross_entropy, which autocast and cuBLAS handle well.
#include <torch/torch.h>

namespace parlance {

// x: (N, E), weight: (V, E), bias: (V), targets: (N) int64 -> scalar (mean over N).
torch::Tensor linear_cross_entropy(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                   const torch::Tensor& targets);

// The reference: linear, then torch's cross_entropy (what the CPU path must equal).
torch::Tensor linear_cross_entropy_reference(const torch::Tensor& x, const torch::Tensor& weight,
                                             const torch::Tensor& bias, const torch::Tensor& targets);

}  // namespace parlance
