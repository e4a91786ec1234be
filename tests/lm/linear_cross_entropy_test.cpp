#include "lm/linear_cross_entropy.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

std::vector<torch::Tensor> loss_and_grads(torch::Tensor (*f)(const torch::Tensor&, const torch::Tensor&,
                                                              const torch::Tensor&, const torch::Tensor&),
                                          const std::vector<torch::Tensor>& p, const torch::Tensor& y, double scale) {
  for (auto& t : p) t.mutable_grad() = torch::Tensor();
  auto loss = f(p[0], p[1], p[2], y);
  (loss * scale).backward();
  return {loss.detach(), p[0].grad().clone(), p[1].grad().clone(), p[2].grad().clone()};
}

TEST(LinearCrossEntropy, CpuPathEqualsLinearPlusCrossEntropyInDoubleAcrossChangingBatchSizes) {
  // Different N every call, as variable BPTT gives: the reused buffer must never leak old values.
  for (int64_t n : {7, 30, 4, 30}) {
    torch::manual_seed(n);
    auto o = torch::TensorOptions().dtype(torch::kFloat64);
    std::vector<torch::Tensor> p{torch::randn({n, 6}, o).requires_grad_(true), (torch::randn({11, 6}, o) * 3).requires_grad_(true),
                                 torch::randn({11}, o).requires_grad_(true)};
    auto y = torch::randint(0, 11, {n}, torch::kInt64);
    auto got = loss_and_grads(linear_cross_entropy, p, y, 1.7);
    auto want = loss_and_grads(linear_cross_entropy_reference, p, y, 1.7);
    for (size_t k = 0; k < got.size(); ++k)
      EXPECT_TRUE(torch::allclose(got[k], want[k], 1e-10, 1e-12)) << "n=" << n << " k=" << k;
  }
}

TEST(LinearCrossEntropy, StableForLargeLogitsInFloat) {
  torch::manual_seed(3);
  std::vector<torch::Tensor> p{(torch::randn({50, 8}) * 30).requires_grad_(true), torch::randn({200, 8}).requires_grad_(true),
                               torch::randn({200}).requires_grad_(true)};
  auto y = torch::randint(0, 200, {50}, torch::kInt64);
  auto got = loss_and_grads(linear_cross_entropy, p, y, 1.0);
  auto want = loss_and_grads(linear_cross_entropy_reference, p, y, 1.0);
  EXPECT_TRUE(std::isfinite(got[0].item<double>()));
  for (size_t k = 0; k < got.size(); ++k)
    EXPECT_LT(((got[k] - want[k]).norm() / want[k].norm()).item<double>(), 1e-5) << k;
}

TEST(LinearCrossEntropy, OverlappingGraphsGetTheirOwnBuffersAndASecondBackwardIsRefused) {
  torch::manual_seed(4);
  auto x = torch::randn({5, 3}, torch::kFloat64).requires_grad_(true);
  auto w = torch::randn({9, 3}, torch::kFloat64).requires_grad_(true);
  auto b = torch::zeros({9}, torch::kFloat64).requires_grad_(true);
  auto y1 = torch::randint(0, 9, {5}, torch::kInt64), y2 = torch::randint(0, 9, {5}, torch::kInt64);
  // Two forwards alive at once (gradient accumulation keeps graphs apart, but nothing forbids this).
  auto l1 = linear_cross_entropy(x, w, b, y1), l2 = linear_cross_entropy(x, w, b, y2);
  (l1 + l2).backward({}, /*retain_graph=*/true);
  auto g = x.grad().clone();
  x.mutable_grad() = torch::Tensor();
  (linear_cross_entropy_reference(x, w, b, y1) + linear_cross_entropy_reference(x, w, b, y2)).backward();
  EXPECT_TRUE(torch::allclose(g, x.grad(), 1e-10, 1e-12));
  EXPECT_THROW(l1.backward(), c10::Error);
}

}  // namespace
}  // namespace parlance
