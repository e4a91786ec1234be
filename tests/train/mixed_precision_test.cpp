#include "train/mixed_precision.h"

#include <gtest/gtest.h>

#include "lm/lm_loss.h"
#include "util/error.h"

namespace parlance {
namespace {

TEST(Precision, NamesRoundTripAndUnknownIsAnError) {
  for (auto p : {Precision::Fp32, Precision::Bf16, Precision::Fp16}) EXPECT_EQ(parse_precision(precision_name(p)), p);
  EXPECT_THROW(parse_precision("fp8"), UserError);
}

// The scope is device-generic; CI has no GPU, so its plumbing is checked with
// LibTorch's CPU autocast (bf16), which follows the same rules.
TEST(AutocastScope, LowersMatmulsKeepsLossAndRegularizersFp32AndRestoresOnExit) {
  torch::manual_seed(0);
  auto x = torch::randn({6, 2, 4}), w = torch::randn({10, 4}), b = torch::zeros({10});
  auto raw = torch::randn({6, 2, 4});
  {
    AutocastScope scope(torch::kCPU, Precision::Bf16);
    EXPECT_EQ(torch::linear(x, w, b).scalar_type(), torch::kBFloat16);
    LmOutput out{x, raw, w, b};
    EXPECT_EQ(out.logits().scalar_type(), torch::kBFloat16);
    auto loss = lm_loss(out, torch::randint(0, 10, {6, 2}, torch::kInt64), 2.0, 1.0);
    EXPECT_EQ(loss.total.scalar_type(), torch::kFloat32);  // cross-entropy, AR and TAR in fp32
    EXPECT_EQ(activation_reg(x.to(torch::kBFloat16), 2.0).scalar_type(), torch::kFloat32);
    EXPECT_EQ(temporal_activation_reg(raw.to(torch::kBFloat16), 1.0).scalar_type(), torch::kFloat32);
    {
      AutocastScope nested(torch::kCPU, Precision::Bf16);
      EXPECT_EQ(torch::linear(x, w, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(torch::linear(x, w, b).scalar_type(), torch::kBFloat16);  // the inner scope left the outer one on
  }
  EXPECT_EQ(torch::linear(x, w, b).scalar_type(), torch::kFloat32);
  {
    AutocastScope fp32(torch::kCPU, Precision::Fp32);  // a no-op
    EXPECT_EQ(torch::linear(x, w, b).scalar_type(), torch::kFloat32);
  }
}

TEST(RecurrenceInFp32, TurnsBf16AutocastOffInsideAndLeavesFp16AndFp32Alone) {
  auto x = torch::randn({3, 4}), w = torch::randn({5, 4});
  {
    AutocastScope scope(torch::kCPU, Precision::Bf16);
    {
      RecurrenceInFp32 fp32(torch::kCPU);
      EXPECT_TRUE(fp32.active());
      EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kFloat32);
    }
    EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kBFloat16);  // autocast is back after the guard
    RecurrenceInFp32 cuda_only(torch::kCUDA);  // another device type's autocast is off: nothing to do
    EXPECT_FALSE(cuda_only.active());
  }
  RecurrenceInFp32 none(torch::kCPU);
  EXPECT_FALSE(none.active());
  EXPECT_EQ(torch::linear(x, w).scalar_type(), torch::kFloat32);
}

// Gradients of sum(w * k) are k: easy to check after scaling.
std::vector<torch::Tensor> params_with_grads(double scale, float poison = 0) {
  auto a = torch::ones({3}).requires_grad_(true), b = torch::ones({2, 2}).requires_grad_(true);
  ((a * torch::tensor({1.0f, 2.0f, 3.0f})).sum() * scale + (b * 4.0f).sum() * scale).backward();
  if (poison != 0) b.mutable_grad()[1][1] = poison;
  return {a, b};
}

TEST(LossScaler, ScalesTheLossAndUnscalesTheGradientsExactly) {
  LossScaler s(true, 1024.0);
  EXPECT_DOUBLE_EQ(s.scale_loss(torch::tensor(2.0f)).item<double>(), 2048.0);
  auto p = params_with_grads(s.scale());
  EXPECT_TRUE(s.unscale(p));
  EXPECT_TRUE(torch::equal(p[0].grad(), torch::tensor({1.0f, 2.0f, 3.0f})));
  EXPECT_TRUE(torch::equal(p[1].grad(), torch::full({2, 2}, 4.0f)));
}

TEST(LossScaler, OverflowSkipsAndHalvesGrowthDoublesAfterTheInterval) {
  LossScaler s(true, 1024.0, /*growth_interval=*/3);
  for (float bad : {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    auto p = params_with_grads(s.scale(), bad);
    const double before = s.scale();
    bool finite = s.unscale(p);
    EXPECT_FALSE(finite);
    s.update(finite);
    EXPECT_DOUBLE_EQ(s.scale(), before / 2);
    EXPECT_EQ(s.growth_tracker(), 0);
  }
  for (int k = 0; k < 2; ++k) s.update(true);
  EXPECT_DOUBLE_EQ(s.scale(), 256.0);
  s.update(true);  // the third clean step in a row
  EXPECT_DOUBLE_EQ(s.scale(), 512.0);
  EXPECT_EQ(s.growth_tracker(), 0);

  LossScaler restored(true);
  restored.load_state(s.state());
  EXPECT_DOUBLE_EQ(restored.scale(), 512.0);
}

TEST(LossScaler, GivesUpWhenGradientsStayNonFinite) {
  LossScaler s(true, 1.0);
  EXPECT_THROW(
      {
        for (int k = 0; k < 40; ++k) s.update(false);
      },
      std::runtime_error);
}

TEST(LossScaler, DisabledIsTheIdentity) {
  LossScaler s(false);
  auto p = params_with_grads(1.0, std::numeric_limits<float>::infinity());
  EXPECT_TRUE(s.unscale(p));  // fp32/bf16 runs never skip: the trainer's NaN check handles divergence
  EXPECT_DOUBLE_EQ(s.scale_loss(torch::tensor(3.0f)).item<double>(), 3.0);
}

}  // namespace
}  // namespace parlance
