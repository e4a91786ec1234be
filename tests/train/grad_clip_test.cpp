#include "train/grad_clip.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

std::vector<torch::Tensor> with_grads(const std::vector<torch::Tensor>& grads) {
  std::vector<torch::Tensor> ps;
  for (const auto& g : grads) {
    auto p = torch::zeros_like(g).requires_grad_(true);
    p.mutable_grad() = g.clone();
    ps.push_back(p);
  }
  return ps;
}

TEST(ClipGradNorm, MatchesLibTorchAndLeavesSmallGradientsAlone) {
  torch::manual_seed(1);
  std::vector<torch::Tensor> grads{torch::randn({5, 3}), torch::randn({7}), torch::randn({2, 2, 2})};
  for (double max_norm : {0.1, 1.0, 100.0}) {
    auto ours = with_grads(grads), theirs = with_grads(grads);
    auto norm = clip_grad_norm(ours, max_norm);
    double ref = torch::nn::utils::clip_grad_norm_(theirs, max_norm);
    EXPECT_NEAR(norm.item<double>(), ref, 1e-5 * ref);
    for (size_t k = 0; k < grads.size(); ++k) EXPECT_TRUE(torch::allclose(ours[k].grad(), theirs[k].grad(), 1e-6, 1e-7));
    if (max_norm == 100.0)  // below the threshold: untouched
      for (size_t k = 0; k < grads.size(); ++k) EXPECT_TRUE(torch::equal(ours[k].grad(), grads[k]));
  }
  // Parameters without a gradient (frozen) are skipped.
  auto frozen = torch::zeros({3}).requires_grad_(true);
  auto ps = with_grads({torch::full({4}, 3.0f)});
  ps.push_back(frozen);
  EXPECT_NEAR(clip_grad_norm(ps, 1.0).item<double>(), 6.0, 1e-6);
  EXPECT_NEAR(ps[0].grad().norm().item<double>(), 1.0, 1e-5);
}

}  // namespace
}  // namespace parlance
