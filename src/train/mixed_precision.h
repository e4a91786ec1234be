#pragma once
// Mixed precision on CUDA, as torch.autocast + torch.cuda.amp.GradScaler do it:
// parameters, optimizer state and gradients stay fp32; inside AutocastScope the
// matrix products and (fp16 only, see RecurrenceInFp32) the recurrent layers
// run in bf16 or fp16, while the softmax /
// cross-entropy and AR/TAR are computed in fp32 (lm_loss casts up). fp16 also
// needs LossScaler: its narrow exponent range underflows small gradients
// unless the loss is multiplied up before backward and the gradients divided
// back before the optimizer step; a step whose gradients overflowed is skipped
// and the scale halved. CPU training stays fp32.
#include <torch/torch.h>

#include <c10/core/impl/LocalDispatchKeySet.h>

#include <optional>
#include <string>
#include <vector>

namespace parlance {

enum class Precision { Fp32, Bf16, Fp16 };
Precision parse_precision(const std::string& name);  // "fp32" | "bf16" | "fp16"
std::string precision_name(Precision p);

// Autocast on `device`'s type with the precision's dtype for the scope's
// lifetime (nothing for fp32). Restores the previous autocast state on exit
// and drops autocast's cache of cast weights when the outermost scope ends,
// so the next step casts the updated weights.
class AutocastScope {
 public:
  AutocastScope(torch::Device device, Precision precision);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  c10::DeviceType type_ = c10::DeviceType::CPU;
  bool was_enabled_ = false;
  at::ScalarType old_dtype_ = at::kFloat;
};

// The recurrence of an RNN runs in fp32 under bf16 autocast: inside this
// guard autocast is off (ops run at their inputs' precision, fp32 here) when
// the autocast dtype of `device_type` is bf16. Why: bf16 keeps 8 significant
// bits, too few for a cell state carried through 70 steps and an LSTM's
// gates (AWD-LSTM under plain bf16 autocast ended one WikiText-2 epoch at
// ~1,700 perplexity, ~170 in fp32, in Parlance and in PyTorch alike), while
// the decoder GEMM over a 44k-60k vocabulary, the largest product of a step,
// stays in bf16 with its softmax in fp32. fp16 (11 bits) trains as it is and
// is left alone.
class RecurrenceInFp32 {
 public:
  explicit RecurrenceInFp32(c10::DeviceType device_type);
  bool active() const { return guard_.has_value(); }

 private:
  std::optional<c10::impl::ExcludeDispatchKeyGuard> guard_;
};

// Dynamic loss scaling (fp16). Every rank holds the same scale and makes the
// same skip decision without a collective: the gradients it inspects have
// already been averaged over all ranks, so an overflow anywhere is an
// overflow everywhere.
class LossScaler {
 public:
  explicit LossScaler(bool enabled, double init_scale = 65536.0, int64_t growth_interval = 2000);
  bool enabled() const { return enabled_; }
  double scale() const { return scale_; }
  int64_t growth_tracker() const { return tracker_; }

  torch::Tensor scale_loss(const torch::Tensor& loss) const;
  // Divides every gradient by the scale in place; false when any holds an inf
  // or NaN (then skip the optimizer step). One host sync.
  bool unscale(const std::vector<torch::Tensor>& params);
  // After each optimizer step decision: halve on overflow, double after
  // growth_interval clean steps in a row.
  void update(bool finite);

  // (scale, growth tracker) for checkpoints.
  torch::Tensor state() const;
  void load_state(const torch::Tensor& s);

 private:
  bool enabled_;
  double scale_;
  int64_t interval_, tracker_ = 0;
};

}  // namespace parlance
