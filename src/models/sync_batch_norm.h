#pragma once
// BatchNorm over the global batch of a data-parallel step (PyTorch's
// SyncBatchNorm, for (batch, features) inputs): the mean and variance of a
// training batch are those of every rank's rows together, and their gradients
// flow back across ranks, so W ranks with b rows each compute exactly what one
// rank with W·b rows does (the ULMFiT head's BatchNorm layers rely on this for
// the np1 ≡ np2 gradient invariant). Running statistics are updated from the
// global statistics, so they stay identical on every rank. Without a
// communicator (or in eval mode) it is an ordinary BatchNorm1d. Parameter and
// buffer names are torch.nn.BatchNorm1d's.
#include <torch/torch.h>

#include "comm/communicator.h"

namespace parlance {

// Sum of `x` over ranks, differentiable: its backward sums the incoming
// gradients over ranks too (every rank's loss depends on every rank's x).
// A collective: every rank calls it, in the same order, forward and backward.
torch::Tensor sum_over_ranks_differentiable(const torch::Tensor& x, Communicator& comm);

class SyncBatchNorm1d : public torch::nn::Module {
 public:
  explicit SyncBatchNorm1d(int64_t features, double eps = 1e-5, double momentum = 0.1);
  // The communicator training batches are normalized over (nullptr: this rank's rows only).
  void set_communicator(Communicator* comm) { comm_ = comm; }
  torch::Tensor forward(const torch::Tensor& x);  // (batch, features)

 private:
  double eps_, momentum_;
  Communicator* comm_ = nullptr;
  torch::Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

}  // namespace parlance
