#include "train/host_to_device.h"

namespace parlance {

torch::Tensor to_device(const torch::Tensor& t, torch::Device device) {
  if (t.device() == device) return t;
  if (device.is_cuda() && t.is_cpu())
    return t.pin_memory().to(device, t.scalar_type(), /*non_blocking=*/true);
  return t.to(device);
}

}  // namespace parlance
