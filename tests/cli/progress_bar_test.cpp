#include "cli/progress_bar.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace parlance::cli {
namespace {

// Under ctest stderr is a pipe, not a terminal: the bar writes plain lines, at
// most one per 10 s, and always the last.
TEST(ProgressBar, DueOnlyAtTheEndWithinTheFirstSecondsOfALog) {
  ProgressBar bar("prep");
  EXPECT_FALSE(bar.due(1, 10));
  EXPECT_FALSE(bar.due(9, 10));
  EXPECT_TRUE(bar.due(10, 10));
  EXPECT_TRUE(bar.due(11, 10));
}

TEST(ProgressBar, UpdateDrawsExactlyWhenDue) {
  if (isatty(STDERR_FILENO)) GTEST_SKIP() << "stderr is a terminal: the bar redraws in place instead";
  ProgressBar bar("prep");
  testing::internal::CaptureStderr();
  bar.update(3, 10, "3/10 MB");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  testing::internal::CaptureStderr();
  bar.update(10, 10, "10/10 MB");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "prep: 100.0% 10/10 MB ETA 0s\n");
}

}  // namespace
}  // namespace parlance::cli
