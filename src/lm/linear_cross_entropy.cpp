#include "lm/linear_cross_entropy.h"

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
    // The bias rides in the product as an extra input column of ones: a
    // product that overwrites its output is cheaper than addmm's bias copy
    // into it first, and the backward's weight product then yields the bias
    // gradient too, with no separate pass over the logits.
    Tensor xa = torch::cat({x, torch::ones({n, 1}, x.options())}, 1);
    Tensor wa = torch::cat({w, b.reshape({v, 1})}, 1);
    Tensor probs = workspace(n, v, x.options());
    torch::mm_out(probs, xa, wa.t());
    Tensor yy = y.reshape({n, 1});
    Tensor target_logit = probs.gather(1, yy);
    // Row max, exp(logit - max) and row sum, a few rows at a time so that
    // each block is read from memory once and stays in cache for the rest.
    Tensor row_max = torch::empty({n, 1}, x.options()), sum = torch::empty({n, 1}, x.options());
    const int64_t rows = std::max<int64_t>(1, (int64_t{1} << 18) / v);  // ~1 MB of fp32 logits
    for (int64_t r = 0; r < n; r += rows) {
      const int64_t k = std::min(rows, n - r);
      Tensor block = probs.narrow(0, r, k), m = row_max.narrow(0, r, k), s = sum.narrow(0, r, k);
      torch::amax_out(m, block, 1, /*keepdim=*/true);
      block.sub_(m).exp_();
      torch::sum_out(s, block, 1, /*keepdim=*/true);
    }
    Tensor loss = (sum.log() + row_max - target_logit).mean();
    ctx->save_for_backward({xa, wa, yy, sum});
    // Not a saved variable: the backward overwrites it in place, which the
    // saved-variable version check would (rightly) refuse.
    ctx->saved_data["exp"] = probs;
    return {loss};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const Tensor &xa = saved[0], &wa = saved[1], &yy = saved[2], &sum = saved[3];
    TORCH_CHECK(ctx->saved_data.count("exp"), "linear_cross_entropy: backward can run only once (retain_graph is not supported)");
    Tensor g = ctx->saved_data["exp"].toTensor();
    ctx->saved_data.erase("exp");
    const int64_t n = xa.size(0), e = xa.size(1) - 1;
    // d loss / d logits = (softmax - one_hot(y)) * grad / n, built in place:
    // one pass scales exp(logit - max) by grad / (n * row sum).
    const Tensor scale = grads[0] / static_cast<double>(n);
    g.mul_(scale / sum);
    g.scatter_add_(1, yy, (-scale).expand({n, 1}).to(g.dtype()));
    Tensor dx = ctx->needs_input_grad(0) ? g.mm(wa.narrow(1, 0, e)) : Tensor();
    Tensor dw, db;
    if (ctx->needs_input_grad(1) || ctx->needs_input_grad(2)) {
      Tensor dwa = g.t().mm(xa);  // (v, e + 1): the weight gradient, then the bias gradient
      if (ctx->needs_input_grad(1)) dw = dwa.narrow(1, 0, e);
      if (ctx->needs_input_grad(2)) db = dwa.select(1, e);
    }
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
