#include "train/grad_clip.h"

namespace parlance {

torch::Tensor clip_grad_norm(const std::vector<torch::Tensor>& params, double max_norm) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> norms;
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().norm(2));
  if (norms.empty()) return torch::zeros({});
  torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2);
  // min(1, max_norm / (norm + 1e-6)) applied unconditionally: no branch on a device value.
  torch::Tensor coef = torch::clamp_max(max_norm / (total + 1e-6), 1.0);
  for (const auto& p : params)
    if (p.grad().defined()) p.grad().mul_(coef);
  return total;
}

}  // namespace parlance
