#include "lm/lm_loss.h"

#include "lm/linear_cross_entropy.h"

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
  auto features = out.hidden.reshape({-1, out.hidden.size(-1)});
  torch::Tensor ce = linear_cross_entropy(features, out.decoder_weight, out.decoder_bias, targets.reshape({-1}));
  torch::Tensor total = ce;
  if (alpha != 0) total = total + activation_reg(out.hidden, alpha);
  if (beta != 0) total = total + temporal_activation_reg(out.raw, beta);
  return {total, ce.detach()};
}

}  // namespace parlance
