#include "train/linear_cross_entropy.h"

namespace parlance {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// An (n, v) view of a buffer kept for the next call: free again once the
// autograd node holding it is gone (use_count 1: only this cache). Reusing it
// spares the page faults of a fresh multi-hundred-MB allocation every step.
Tensor workspace(int64_t n, int64_t v, const torch::TensorOptions& opts) {
  thread_local Tensor cache;
  const int64_t need = n * v;
  const bool reusable = cache.defined() && cache.storage().use_count() == 1 && cache.numel() >= need &&
                        cache.scalar_type() == opts.dtype().toScalarType();
  if (!reusable) {
    Tensor fresh = torch::empty({need}, opts);
    if (!cache.defined() || cache.storage().use_count() == 1) cache = fresh;  // else the old one is still in use
    return fresh.view({n, v});
  }
  return cache.narrow(0, 0, need).view({n, v});
}

class CpuLinearCrossEntropy : public torch::autograd::Function<CpuLinearCrossEntropy> {
 public:
  static variable_list forward(AutogradContext* ctx, Tensor x, Tensor w, Tensor b, Tensor y) {
    const int64_t n = x.size(0), v = w.size(0);
    Tensor probs = workspace(n, v, x.options());
    torch::addmm_out(probs, b, x, w.t());
    Tensor yy = y.reshape({n, 1});
    Tensor target_logit = probs.gather(1, yy);
    Tensor row_max = std::get<0>(probs.max(1, /*keepdim=*/true));
    probs.sub_(row_max).exp_();
    Tensor sum = probs.sum(1, /*keepdim=*/true);
    Tensor loss = (sum.log() + row_max - target_logit).mean();
    ctx->save_for_backward({x, w, yy, sum});
    // Not a saved variable: the backward overwrites it in place, which the
    // saved-variable version check would (rightly) refuse.
    ctx->saved_data["exp"] = probs;
    return {loss};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &w = saved[1], &yy = saved[2], &sum = saved[3];
    TORCH_CHECK(ctx->saved_data.count("exp"), "linear_cross_entropy: backward can run only once (retain_graph is not supported)");
    Tensor g = ctx->saved_data["exp"].toTensor();
    ctx->saved_data.erase("exp");
    const int64_t n = x.size(0);
    // d loss / d logits = (softmax - one_hot(y)) * grad / n, built in place.
    g.div_(sum);
    g.scatter_add_(1, yy, torch::full({n, 1}, -1.0, g.options()));
    g.mul_(grads[0] / static_cast<double>(n));
    Tensor dx = ctx->needs_input_grad(0) ? g.mm(w) : Tensor();
    Tensor dw = ctx->needs_input_grad(1) ? g.t().mm(x) : Tensor();
    Tensor db = ctx->needs_input_grad(2) ? g.sum(0) : Tensor();
    return {dx, dw, db, Tensor()};
  }
};

}  // namespace

Tensor linear_cross_entropy_reference(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& targets) {
  Tensor logits = torch::linear(x, weight, bias);
  if (logits.scalar_type() != torch::kFloat64) logits = logits.to(torch::kFloat32);  // softmax in fp32 under autocast
  return torch::nn::functional::cross_entropy(logits, targets.reshape({-1}));
}

Tensor linear_cross_entropy(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& targets) {
  const bool full_precision = x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64;
  if (x.is_cpu() && full_precision && weight.scalar_type() == x.scalar_type())
    return CpuLinearCrossEntropy::apply(x.contiguous(), weight, bias, targets.reshape({-1}))[0];
  return linear_cross_entropy_reference(x, weight, bias, targets);
}

}  // namespace parlance
