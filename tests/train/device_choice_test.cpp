#include "train/device_choice.h"

#include <gtest/gtest.h>

#include "train/train_config.h"
#include "util/error.h"

namespace parlance {
namespace {

TrainConfig recipe(const std::string& device, const std::string& backend = "auto", const std::string& precision = "fp32") {
  TrainConfig c;
  c.device = device;
  c.backend = backend;
  c.precision = precision;
  return c;
}

NodeFacts node(int local_rank, int local_size, int gpus, bool nccl_built = true) {
  NodeFacts n;
  n.local_rank = local_rank;
  n.local_size = local_size;
  n.visible_gpus = gpus;
  n.gpus_shared = gpus > 0 && local_size > gpus;
  n.nccl_built = nccl_built;
  return n;
}

std::string error_of(const TrainConfig& cfg, const NodeFacts& n) {
  try {
    choose_device(cfg, n);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceChoice, CpuTrainsOverMpiAndRefusesWhatOnlyAGpuCanDo) {
  for (const auto& device : {"cpu", "auto"}) {
    const DeviceChoice c = choose_device(recipe(device), node(0, 2, device == std::string("cpu") ? 4 : 0));
    EXPECT_TRUE(c.device.is_cpu());
    EXPECT_EQ(c.backend, "mpi");
    EXPECT_EQ(c.note, "");
  }
  EXPECT_NE(error_of(recipe("cpu", "auto", "bf16"), node(0, 1, 1)).find("needs a CUDA device"), std::string::npos);
  EXPECT_NE(error_of(recipe("auto", "auto", "fp16"), node(0, 1, 0)).find("needs a CUDA device"), std::string::npos);
  EXPECT_NE(error_of(recipe("cpu", "nccl"), node(0, 1, 1)).find("needs CUDA tensors"), std::string::npos);
  EXPECT_NE(error_of(recipe("cuda"), node(0, 1, 0)).find("sees no CUDA device"), std::string::npos);
}

TEST(DeviceChoice, EachRankTakesItsNodeLocalGpuAndNcclWhenEveryRankHasOne) {
  for (const auto& device : {"auto", "cuda"}) {
    const DeviceChoice c = choose_device(recipe(device), node(3, 4, 4));
    EXPECT_EQ(c.device, torch::Device(torch::kCUDA, 3));
    EXPECT_EQ(c.backend, "nccl");
    EXPECT_EQ(c.note, "");
  }
  EXPECT_EQ(choose_device(recipe("cuda", "mpi", "bf16"), node(1, 2, 2)).backend, "mpi");  // as asked
  EXPECT_EQ(choose_device(recipe("cuda"), node(0, 1, 1, /*nccl_built=*/false)).backend, "mpi");
  EXPECT_NE(error_of(recipe("cuda", "nccl"), node(0, 1, 1, false)).find("built without NCCL"), std::string::npos);
}

TEST(DeviceChoice, RanksSharingAGpuFallBackToMpiOrAreRefusedNccl) {
  // Two ranks, one GPU: what NCCL refuses with "invalid usage".
  for (int r = 0; r < 2; ++r) {
    const DeviceChoice c = choose_device(recipe("auto"), node(r, 2, 1));
    EXPECT_EQ(c.device, torch::Device(torch::kCUDA, 0));
    EXPECT_EQ(c.backend, "mpi");
    EXPECT_NE(c.note.find("2 ranks share 1 visible GPU on this node"), std::string::npos) << c.note;
  }
  EXPECT_EQ(choose_device(recipe("auto"), node(5, 6, 4)).device, torch::Device(torch::kCUDA, 1));
  const std::string e = error_of(recipe("cuda", "nccl"), node(1, 3, 2));
  EXPECT_NE(e.find("needs one GPU per rank, but 3 ranks share 2 visible GPUs"), std::string::npos) << e;
  EXPECT_NE(e.find("train.backend = \"mpi\""), std::string::npos) << e;
  // Another node's sharing decides too: every rank must pick the same backend.
  NodeFacts fine_here = node(0, 1, 1);
  fine_here.gpus_shared = true;
  const DeviceChoice c = choose_device(recipe("auto"), fine_here);
  EXPECT_EQ(c.backend, "mpi");
  EXPECT_NE(c.note.find("ranks share GPUs on another node"), std::string::npos) << c.note;
}

// eval / predict / translate: where the run trained decides when --device is
// left out (a CPU run stays on the CPU; a GPU run uses a GPU where there is one).
TEST(InferenceDevice, DefaultFollowsTheRunAndAutoTakesThisRanksGpu) {
  EXPECT_EQ(inference_device("", "cpu", node(0, 1, 2)), torch::Device(torch::kCPU));
  EXPECT_EQ(inference_device("", "auto", node(0, 1, 0)), torch::Device(torch::kCPU));
  EXPECT_EQ(inference_device("", "cuda", node(0, 1, 0)), torch::Device(torch::kCPU));  // trained on a GPU, read on a laptop
  EXPECT_EQ(inference_device("", "cuda", node(1, 2, 2)), torch::Device(torch::kCUDA, 1));
  EXPECT_EQ(inference_device("auto", "cpu", node(3, 4, 2)), torch::Device(torch::kCUDA, 1));  // ranks may share GPUs
  EXPECT_EQ(inference_device("cuda", "cpu", node(0, 1, 1)), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(inference_device("cpu", "cuda", node(0, 1, 4)), torch::Device(torch::kCPU));
}

TEST(InferenceDevice, CudaWithoutAGpuIsOneClearError) {
  try {
    inference_device("cuda", "cuda", node(0, 1, 0));
    FAIL() << "--device cuda accepted without a GPU";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--device cuda, but this LibTorch sees no CUDA device"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(inference_device("tpu", "cpu", node(0, 1, 1)), UserError);
}

}  // namespace
}  // namespace parlance
