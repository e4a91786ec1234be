#include "train/lm_loss.h"

namespace parlance {

torch::Tensor activation_reg(const torch::Tensor& dropped, double alpha) {
  return alpha * dropped.to(torch::kFloat32).pow(2).mean();
}

torch::Tensor temporal_activation_reg(const torch::Tensor& raw, double beta) {
  if (raw.size(0) < 2) return torch::zeros({}, raw.options().dtype(torch::kFloat32));
  auto r = raw.to(torch::kFloat32);  // (seq, bs, n): differences along time
  return beta * (r.narrow(0, 1, r.size(0) - 1) - r.narrow(0, 0, r.size(0) - 1)).pow(2).mean();
}

LmLoss lm_loss(const LmOutput& out, const torch::Tensor& targets, double alpha, double beta) {
  auto logits = out.logits.reshape({-1, out.logits.size(-1)}).to(torch::kFloat32);
  torch::Tensor ce = torch::nn::functional::cross_entropy(logits, targets.reshape({-1}));
  torch::Tensor total = ce;
  if (alpha != 0) total = total + activation_reg(out.dropped_last, alpha);
  if (beta != 0) total = total + temporal_activation_reg(out.raw_last, beta);
  return {total, ce.detach()};
}

}  // namespace parlance
