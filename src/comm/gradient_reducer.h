#pragma once
// Data-parallel gradient averaging, as PyTorch's DDP reducer does it.
// Invariants:
//  - Parameters are packed into flat buckets in reverse registration order
//    (gradients of the last layers are ready first in backward); the first
//    bucket is small (1 MB) so communication starts early, the rest are capped
//    (25 MB). Only trainable parameters are bucketed; rebuild() after a change
//    of the trainable set (gradual unfreezing).
//  - An autograd hook copies each gradient into its bucket slot, pre-divided by
//    the world size; when a bucket is complete it is allreduced asynchronously
//    while backward continues. Buckets launch strictly in index order, so
//    every rank issues the same collectives in the same order.
//  - Hooks run on whichever thread runs backward (autograd's device thread on
//    CUDA). A communicator that must not be called from there
//    (serves_any_thread() false: MPI without MPI_THREAD_SERIALIZED) gets no
//    call from a hook; finalize() then launches every bucket, still in order.
//  - finalize() waits for all buckets and writes the averages into .grad.
//  - With gradient accumulation, only the last micro-batch (sync = true)
//    reduces; earlier ones accumulate locally in .grad as usual.
#include <torch/torch.h>

#include <memory>
#include <thread>
#include <vector>

#include "comm/communicator.h"

namespace parlance {

class GradientReducer {
 public:
  GradientReducer(Communicator& comm, std::vector<torch::Tensor> params, int64_t first_bucket_bytes = 1 << 20,
                  int64_t bucket_cap_bytes = 25 << 20);
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // Makes every rank start from rank 0's weights.
  void broadcast_parameters();
  // Call before each micro-batch's backward; sync = this micro-batch ends the
  // accumulation window and must reduce.
  void prepare(bool sync);
  // Call after backward of a sync micro-batch.
  void finalize();
  // Re-buckets the parameters that currently require grad.
  void rebuild();

  // Parameter indices (registration order) of each bucket, in launch order.
  std::vector<std::vector<size_t>> bucket_layout() const;

 private:
  struct Bucket {
    std::vector<size_t> params;
    std::vector<int64_t> offsets;  // element offset of each param in `flat`
    torch::Tensor flat;
    size_t pending = 0;
    std::unique_ptr<CommWork> work;
  };
  void hook_trainable();
  void on_grad(size_t param, const torch::Tensor& grad);
  void launch_ready();

  Communicator& comm_;
  std::thread::id owner_;  // the thread that made the reducer (and calls finalize)
  std::vector<torch::Tensor> params_;
  std::vector<bool> hooked_;  // a gradient hook is registered on params_[i]
  int64_t first_bytes_, cap_bytes_;
  std::vector<Bucket> buckets_;
  std::vector<std::pair<int, int64_t>> slot_;  // param → (bucket, index in bucket), bucket -1: frozen
  size_t next_launch_ = 0;
  bool syncing_ = false;
};

}  // namespace parlance
