#include "train/lr_finder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace parlance {
namespace {

std::vector<LrFindPoint> sweep(const std::vector<double>& smoothed) {
  std::vector<LrFindPoint> pts;
  for (size_t i = 0; i < smoothed.size(); ++i) pts.push_back({1e-6 * std::pow(10.0, 0.25 * static_cast<double>(i)), 0, smoothed[i]});
  return pts;
}

TEST(LrFinder, SuggestsTheSteepestDescentSkippingTheEndsAsFastaiDoes) {
  // 30 points: flat, a steep drop between 14 and 16, a minimum at 22, then up.
  std::vector<double> l(30, 4.0);
  for (size_t i = 0; i < 30; ++i) {
    if (i >= 14) l[i] = 3.0 - 0.05 * static_cast<double>(i - 14);
    if (i == 14) l[i] = 3.5;
    if (i >= 23) l[i] = 2.6 + 0.5 * static_cast<double>(i - 22);
  }
  l[1] = 0.5;  // an early dip is skipped by the steepest search (first 10 points) but is the minimum
  const LrSuggestion s = suggest_lr(sweep(l));
  EXPECT_EQ(s.minimum, 1u);
  EXPECT_EQ(s.steepest, 14u) << "np.gradient at 14 is (2.95 - 4.0) / 2, the most negative";
}

TEST(LrFinder, ShortSweepsSearchEveryPoint) {
  const LrSuggestion s = suggest_lr(sweep({3, 2.9, 2.0, 1.9, 2.5}));
  EXPECT_EQ(s.minimum, 3u);
  EXPECT_EQ(s.steepest, 1u) << "gradients: -0.1, -0.5, -0.5, 0.25, 0.6; the first minimum wins";
  EXPECT_EQ(suggest_lr(sweep({3})).steepest, 0u);
}

}  // namespace
}  // namespace parlance
