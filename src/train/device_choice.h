#pragma once
// Where a training rank computes and how its gradients travel: one rule, so
// that no combination of recipe, rank count and visible GPUs fails obscurely
// (NCCL refuses two ranks on one GPU with "invalid usage"; a CPU-only LibTorch
// cannot honour train.device = "cuda").
//
// Rules (train.device, train.backend):
//  - cpu: CPU, MPI; nccl or a precision other than fp32 is a user error.
//  - cuda without a visible GPU: a user error; auto without one: as cpu.
//  - CUDA: rank takes GPU (node-local rank mod visible GPUs). NCCL needs one
//    GPU per rank, so when any node runs more ranks than it has GPUs, backend
//    auto falls back to MPI (CUDA tensors staged through the host) with one
//    line saying so, and an explicit nccl is a user error naming the counts.
#include <torch/torch.h>

#include <string>

namespace parlance {

struct TrainConfig;

struct DeviceChoice {
  torch::Device device = torch::kCPU;
  std::string backend;  // "mpi" or "nccl"
  std::string note;     // one line for rank 0 to print; empty when the choice is what was asked
};

// What this node looks like to one rank.
struct NodeFacts {
  int local_rank = 0;
  int local_size = 1;        // ranks on this rank's node
  int visible_gpus = 0;      // CUDA devices this LibTorch sees
  bool gpus_shared = false;  // some node (any, agreed over ranks) runs more ranks than it has GPUs
  bool nccl_built = false;
};

// The rule above; throws UserError for requests this machine cannot honour.
DeviceChoice choose_device(const TrainConfig& cfg, const NodeFacts& node);

// Where a command using a trained model (eval, predict, translate) runs.
// `requested` is its --device: "cpu"; "cuda" (a UserError without a visible
// GPU); "auto": this rank's GPU (node-local rank mod visible GPUs) when one is
// visible, else the CPU; "" (no --device): "cpu" for a run trained with
// train.device = "cpu", else "auto" — a run trained on a GPU is evaluated on
// one where there is one, and on the CPU of a machine without. No gradients
// travel, so ranks may share a GPU here.
torch::Device inference_device(const std::string& requested, const std::string& trained_on, const NodeFacts& node);

// This process's facts (collective: every rank calls it together).
NodeFacts this_node();
// What this process sees without asking the others (not collective; taken as
// local rank 0 of 1): for checks before any collective, and for commands that
// rank 0 runs alone.
NodeFacts this_process_alone();

// "LibTorch 2.11.0; 1 CUDA device; NCCL built in": what `parlance --version`
// adds, and what test scripts read to know whether GPU tests can run.
std::string devices_summary();

// The early, local check of the recipe alone (before any collective).
void check_device_request(const TrainConfig& cfg);

}  // namespace parlance
