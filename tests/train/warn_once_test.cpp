#include "train/warn_once.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace parlance {
namespace {

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(WarnOnce, EachDistinctLibTorchWarningIsShownOnceByRankZeroOnly) {
  show_each_libtorch_warning_once(1);
  testing::internal::CaptureStderr();
  TORCH_WARN("seen by rank 1");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  show_each_libtorch_warning_once(0);
  testing::internal::CaptureStderr();
  for (int step = 0; step < 5; ++step) {
    TORCH_WARN("weights are not part of single contiguous chunk (layer 0)");
    TORCH_WARN("weights are not part of single contiguous chunk (layer 1)");
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(occurrences(err, "chunk (layer 0)"), 1) << err;
  EXPECT_EQ(occurrences(err, "chunk (layer 1)"), 1) << err;
  EXPECT_EQ(occurrences(err, "parlance: LibTorch warning (shown once)"), 2) << err;
}

}  // namespace
}  // namespace parlance
