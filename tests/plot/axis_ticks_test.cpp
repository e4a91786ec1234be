#include "plot/axis_ticks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace parlance {
namespace {

std::vector<std::string> labels(const AxisRange& a) {
  std::vector<std::string> out;
  for (const auto& t : a.ticks) out.push_back(t.label);
  return out;
}

TEST(AxisTicks, LinearAxisWidensToNiceStepsAndLabelsWithJustEnoughDecimals) {
  const AxisRange a = linear_axis(0.13, 0.87, 5);
  EXPECT_DOUBLE_EQ(a.lo, 0.0);
  EXPECT_DOUBLE_EQ(a.hi, 1.0);
  EXPECT_EQ(labels(a), (std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
  const AxisRange loss = linear_axis(3.31, 3.58, 5);
  EXPECT_EQ(labels(loss), (std::vector<std::string>{"3.30", "3.35", "3.40", "3.45", "3.50", "3.55", "3.60"}));
  const AxisRange big = linear_axis(120, 1730, 4);
  EXPECT_EQ(labels(big), (std::vector<std::string>{"0", "500", "1000", "1500", "2000"}));
  for (const auto& t : loss.ticks) EXPECT_TRUE(t.value >= loss.lo - 1e-12 && t.value <= loss.hi + 1e-12);
}

TEST(AxisTicks, LinearAxisAroundOneValueAndAcrossZero) {
  const AxisRange one = linear_axis(2, 2);
  EXPECT_LT(one.lo, 2);
  EXPECT_GT(one.hi, 2);
  const AxisRange zero = linear_axis(0, 0);
  EXPECT_LT(zero.lo, 0);
  EXPECT_GT(zero.hi, 0);
  const AxisRange across = linear_axis(-0.3, 0.25, 5);
  EXPECT_EQ(labels(across), (std::vector<std::string>{"-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"}));
  EXPECT_THROW(linear_axis(0, INFINITY), std::invalid_argument);
}

TEST(AxisTicks, LogAxisTicksEachDecadeAndFinerOverShortSpans) {
  const AxisRange wide = log_axis(1e-7, 8);
  EXPECT_DOUBLE_EQ(wide.lo, 1e-7);
  EXPECT_DOUBLE_EQ(wide.hi, 10);
  EXPECT_EQ(labels(wide), (std::vector<std::string>{"1e-07", "1e-06", "1e-05", "1e-04", "0.001", "0.01", "0.1", "1", "10"}));
  const AxisRange narrow = log_axis(0.002, 0.03);
  EXPECT_EQ(labels(narrow), (std::vector<std::string>{"0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"}));
  EXPECT_THROW(log_axis(0, 1), std::invalid_argument);
}

TEST(AxisTicks, TickLabelsHaveNoNegativeZero) {
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");
  EXPECT_EQ(tick_label(2.5e6, 5e5), "2.5e+06");
}

}  // namespace
}  // namespace parlance
