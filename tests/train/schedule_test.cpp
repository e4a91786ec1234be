#include "train/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "util/error.h"

namespace parlance {
namespace {

TEST(Schedule, OneCycleFollowsFastaiV1) {
  ScheduleSpec s;
  s.kind = "one_cycle", s.lr_max = 1e-2, s.div = 25, s.pct_start = 0.3;
  const int64_t n = 100;  // warm-up = int(100 * 0.3) = 30 steps
  auto v0 = schedule_at(s, 0, n, 10);
  EXPECT_NEAR(v0.lr, 1e-2 / 25, 1e-15);
  EXPECT_NEAR(v0.mom, 0.95, 1e-15);
  auto v15 = schedule_at(s, 15, n, 10);  // half-way up: cosine midpoint
  EXPECT_NEAR(v15.lr, (1e-2 + 1e-2 / 25) / 2, 1e-12);
  EXPECT_NEAR(v15.mom, 0.90, 1e-12);
  auto v30 = schedule_at(s, 30, n, 10);
  EXPECT_NEAR(v30.lr, 1e-2, 1e-15);
  EXPECT_NEAR(v30.mom, 0.85, 1e-15);
  auto v65 = schedule_at(s, 65, n, 10);  // half-way down to lr / (25 * 1e4)
  EXPECT_NEAR(v65.lr, (1e-2 + 1e-2 / 25e4) / 2, 1e-12);
  EXPECT_NEAR(schedule_at(s, 99, n, 10).lr, annealing_cos(1e-2, 1e-2 / 25e4, 69.0 / 70.0), 1e-15);
}

TEST(Schedule, SlantedTriangularIsFastaiUseClr) {
  ScheduleSpec s;
  s.kind = "stlr", s.lr_max = 1.0, s.clr_div = 32, s.cut_div = 10;
  const int64_t n = 1000;  // cut point = 100
  EXPECT_DOUBLE_EQ(schedule_at(s, 0, n, 1).lr, 1.0 / 32);
  EXPECT_DOUBLE_EQ(schedule_at(s, 100, n, 1).lr, 1.0);
  EXPECT_DOUBLE_EQ(schedule_at(s, 50, n, 1).lr, (1 + 0.5 * 31) / 32);
  EXPECT_DOUBLE_EQ(schedule_at(s, 550, n, 1).lr, (1 + 0.5 * 31) / 32);  // pct = 1 - 450/900
}

TEST(Schedule, CosineRestartsWithCycleMult) {
  ScheduleSpec s;
  s.kind = "cosine", s.lr_max = 1.0, s.cycle_len = 1, s.cycle_mult = 2;
  EXPECT_DOUBLE_EQ(schedule_at(s, 0, 70, 10).lr, 1.0);
  EXPECT_NEAR(schedule_at(s, 5, 70, 10).lr, 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(schedule_at(s, 10, 70, 10).lr, 1.0);  // restart; next cycle is 20 steps
  EXPECT_NEAR(schedule_at(s, 20, 70, 10).lr, 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(schedule_at(s, 30, 70, 10).lr, 1.0);
  s.kind = "constant";
  EXPECT_DOUBLE_EQ(schedule_at(s, 33, 70, 10).lr, 1.0);
  s.kind = "linear";
  EXPECT_THROW(schedule_at(s, 0, 10, 10), UserError);
}

}  // namespace
}  // namespace parlance
