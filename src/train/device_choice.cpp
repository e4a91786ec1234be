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

torch::Device inference_device(const std::string& requested, const std::string& trained_on, const NodeFacts& node) {
  const std::string want = !requested.empty() ? requested : trained_on == "cpu" ? "cpu" : "auto";
  if (want != "cpu" && want != "cuda" && want != "auto")
    throw UserError("--device \"" + want + "\": expected auto, cpu or cuda");
  if (want == "cuda" && node.visible_gpus == 0)
    throw UserError("--device cuda, but this LibTorch sees no CUDA device (Debian's libtorch is CPU-only; "
                    "leave --device out or use --device cpu)");
  if (want == "cpu" || node.visible_gpus == 0) return torch::kCPU;
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(node.local_rank % node.visible_gpus));
}

NodeFacts this_process_alone() {
  NodeFacts n;
  n.visible_gpus = visible_gpus();
  n.nccl_built = nccl_compiled_in();
  return n;
}

NodeFacts this_node() {
  NodeFacts n = this_process_alone();
  n.local_rank = mpi::local_rank();  // collective: the node's communicator
  n.local_size = mpi::local_size();
  n.gpus_shared = mpi::allreduce_max(static_cast<uint64_t>(n.visible_gpus > 0 && n.local_size > n.visible_gpus)) > 0;
  return n;
}

std::string devices_summary() {
  const int gpus = visible_gpus();
  return std::string("LibTorch ") + TORCH_VERSION + "; " + (gpus ? plural(gpus, "CUDA device") : "no CUDA device") +
         "; NCCL " + (nccl_compiled_in() ? "built in" : "not built in");
}

void check_device_request(const TrainConfig& cfg) {
  choose_device(cfg, this_process_alone());  // GPU sharing is judged later, with every rank's facts
}

}  // namespace parlance
