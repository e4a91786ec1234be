#include "train/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <stdexcept>

#include "util/error.h"

// LibTorch 2.4 made autocast's switches per device type; 1.13 (Debian) has one
// switch per backend.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define PARLANCE_AUTOCAST_BY_DEVICE 1
#endif

namespace parlance {
namespace {

bool autocast_enabled(c10::DeviceType t) {
#ifdef PARLANCE_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(t);
#else
  return t == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void set_autocast(c10::DeviceType t, bool on) {
#ifdef PARLANCE_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(t, on);
#else
  if (t == c10::DeviceType::CUDA)
    at::autocast::set_enabled(on);
  else
    at::autocast::set_cpu_enabled(on);
#endif
}

at::ScalarType autocast_dtype(c10::DeviceType t) {
#ifdef PARLANCE_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(t);
#else
  return t == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set_autocast_dtype(c10::DeviceType t, at::ScalarType dtype) {
#ifdef PARLANCE_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(t, dtype);
#else
  if (t == c10::DeviceType::CUDA)
    at::autocast::set_autocast_gpu_dtype(dtype);
  else
    at::autocast::set_autocast_cpu_dtype(dtype);
#endif
}

}  // namespace

RecurrenceInFp32::RecurrenceInFp32(c10::DeviceType device_type) {
  if (autocast_enabled(device_type) && autocast_dtype(device_type) == at::kBFloat16)
    guard_.emplace(c10::autocast_dispatch_keyset);
}

Precision parse_precision(const std::string& name) {
  if (name == "fp32") return Precision::Fp32;
  if (name == "bf16") return Precision::Bf16;
  if (name == "fp16") return Precision::Fp16;
  throw UserError("unknown precision \"" + name + "\" (expected fp32, bf16 or fp16)");
}

std::string precision_name(Precision p) {
  switch (p) {
    case Precision::Fp32: return "fp32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16: return "fp16";
  }
  return "?";
}

AutocastScope::AutocastScope(torch::Device device, Precision precision) {
  if (precision == Precision::Fp32) return;
  active_ = true;
  type_ = device.type();
  was_enabled_ = autocast_enabled(type_);
  old_dtype_ = autocast_dtype(type_);
  set_autocast(type_, true);
  set_autocast_dtype(type_, precision == Precision::Bf16 ? at::kBFloat16 : at::kHalf);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast(type_, was_enabled_);
  set_autocast_dtype(type_, old_dtype_);
}

LossScaler::LossScaler(bool enabled, double init_scale, int64_t growth_interval)
    : enabled_(enabled), scale_(enabled ? init_scale : 1.0), interval_(growth_interval) {}

torch::Tensor LossScaler::scale_loss(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& params) {
  if (!enabled_) return true;
  std::vector<torch::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return true;
  torch::NoGradGuard no_grad;
  const auto opts = grads[0].options().dtype(torch::kFloat32);
  torch::Tensor found_inf = torch::zeros({1}, opts);
  if (grads[0].is_cuda()) {
    // One fused kernel over all gradients, as GradScaler uses.
    at::_amp_foreach_non_finite_check_and_unscale_(grads, found_inf, torch::full({1}, 1.0 / scale_, opts));
  } else {
    for (auto& g : grads) {
      g.mul_(1.0 / scale_);
      found_inf.add_(g.isfinite().logical_not().any().to(torch::kFloat32));
    }
  }
  return found_inf.item<float>() == 0.0f;
}

void LossScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    scale_ *= 0.5;
    tracker_ = 0;
    // A scale this small cannot overflow healthy fp16 gradients: they are inf/NaN themselves.
    if (scale_ < 1.0 / (1 << 24))
      throw std::runtime_error("gradients are not finite even at loss scale " + std::to_string(scale_) +
                               ": training diverged");
    return;
  }
  if (++tracker_ == interval_) {
    scale_ *= 2.0;
    tracker_ = 0;
  }
}

torch::Tensor LossScaler::state() const {
  return torch::tensor({scale_, static_cast<double>(tracker_)}, torch::kFloat64);
}

void LossScaler::load_state(const torch::Tensor& s) {
  scale_ = s[0].item<double>();
  tracker_ = static_cast<int64_t>(s[1].item<double>());
}

}  // namespace parlance
