#include "train/host_to_device.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

namespace parlance {
namespace {

TEST(HostToDevice, ATensorAlreadyThereIsReturnedAsItIs) {
  const torch::Tensor t = torch::arange(12, torch::kInt64).view({3, 4});
  const torch::Tensor same = to_device(t, torch::kCPU);
  EXPECT_TRUE(same.is_same(t)) << "no copy on the device the tensor is on";
}

// The GPU half runs where a GPU is visible (the GPU machine's ctest): the
// values arrive, whatever the layout of the host tensor, and a step's worth
// of copies queued back to back all land.
TEST(HostToDevice, TheValuesArriveOnTheGpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no GPU visible";
  const torch::Device gpu(torch::kCUDA, 0);
  const torch::Tensor batch = torch::arange(70 * 64, torch::kInt64).view({70, 64});
  std::vector<torch::Tensor> copies;
  for (int k = 0; k < 8; ++k) copies.push_back(to_device(batch.narrow(0, k, 60).t(), gpu));  // views, not contiguous
  for (int k = 0; k < 8; ++k) {
    ASSERT_TRUE(copies[static_cast<size_t>(k)].is_cuda());
    EXPECT_TRUE(torch::equal(copies[static_cast<size_t>(k)].cpu(), batch.narrow(0, k, 60).t())) << k;
  }
}

}  // namespace
}  // namespace parlance
