#include "train/device_choice.h"

#include <torch/version.h>

#include "comm/mpi_world.h"
#include "train/train_config.h"
#include "util/error.h"

namespace parlance {
namespace {

bool nccl_compiled_in() {
#ifdef PARLANCE_WITH_NCCL
  return true;
#else
  return false;
#endif
}

int visible_gpus() { return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0; }

std::string plural(int n, const std::string& what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

void check_cpu_request(const TrainConfig& cfg) {
  if (cfg.precision != "fp32")
    throw UserError("train.precision = \"" + cfg.precision + "\" needs a CUDA device; CPU training stays fp32");
  if (cfg.backend == "nccl") throw UserError("train.backend = \"nccl\" needs CUDA tensors, but training runs on the CPU here");
}

}  // namespace

DeviceChoice choose_device(const TrainConfig& cfg, const NodeFacts& node) {
  if (cfg.device == "cuda" && node.visible_gpus == 0)
    throw UserError("train.device = \"cuda\", but this LibTorch sees no CUDA device (Debian's libtorch is CPU-only; "
                    "build against the pip wheel's LibTorch on GPU machines)");
  DeviceChoice c;
  if (cfg.device == "cpu" || node.visible_gpus == 0) {
    check_cpu_request(cfg);
    c.backend = "mpi";
    return c;
  }
  c.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(node.local_rank % node.visible_gpus));
  const std::string sharing = node.local_size > node.visible_gpus
                                  ? plural(node.local_size, "rank") + " share " + plural(node.visible_gpus, "visible GPU") +
                                        " on this node"
                                  : "ranks share GPUs on another node";
  if (cfg.backend == "nccl" && node.gpus_shared)
    throw UserError("train.backend = \"nccl\" needs one GPU per rank, but " + sharing +
                    "; run at most one rank per GPU, or set train.backend = \"mpi\" to let ranks share GPUs");
  if (cfg.backend == "nccl" && !node.nccl_built)
    throw UserError("train.backend = \"nccl\", but this parlance was built without NCCL (PARLANCE_WITH_NCCL=OFF)");
  if (cfg.backend != "auto") {
    c.backend = cfg.backend;
  } else if (node.gpus_shared) {
    c.backend = "mpi";
    c.note = "note: " + sharing + "; gradients go through MPI (NCCL needs one GPU per rank)";
  } else {
    c.backend = node.nccl_built ? "nccl" : "mpi";
  }
  return c;
}

NodeFacts this_node() {
  NodeFacts n;
  n.local_rank = mpi::local_rank();
  n.local_size = mpi::local_size();
  n.visible_gpus = visible_gpus();
  n.gpus_shared = mpi::allreduce_max(static_cast<uint64_t>(n.visible_gpus > 0 && n.local_size > n.visible_gpus)) > 0;
  n.nccl_built = nccl_compiled_in();
  return n;
}

std::string devices_summary() {
  const int gpus = visible_gpus();
  return std::string("LibTorch ") + TORCH_VERSION + "; " + (gpus ? plural(gpus, "CUDA device") : "no CUDA device") +
         "; NCCL " + (nccl_compiled_in() ? "built in" : "not built in");
}

void check_device_request(const TrainConfig& cfg) {
  NodeFacts local;
  local.visible_gpus = visible_gpus();
  local.nccl_built = nccl_compiled_in();
  choose_device(cfg, local);  // GPU sharing is judged later, with every rank's facts
}

}  // namespace parlance
