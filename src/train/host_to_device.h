#pragma once
// How a batch built on the host reaches the model's device without stopping
// the host. A plain tensor.to(cuda) from ordinary (pageable) memory ends with
// a stream synchronize in LibTorch: the host waits there for every kernel
// queued before the copy, so it cannot queue step i+1 while the GPU still
// runs step i, and a launch-bound step (the translator's per-position
// decoder) pays for each wait. From pinned memory with non_blocking the copy
// is queued like a kernel, in stream order, and the host goes on; LibTorch's
// caching host allocator keeps the pinned block until the copy has run.
//
// Invariant: the result holds the same values as t.to(device); a tensor
// already on `device` is returned as it is (no copy, no wait).
#include <torch/torch.h>

namespace parlance {

torch::Tensor to_device(const torch::Tensor& t, torch::Device device);

}  // namespace parlance
