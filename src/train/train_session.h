#pragma once
// What `parlance train` and `parlance lr-find` share: this rank's streams, the
// model on its device (identical on every rank), the gradient reducer, the
// optimizer and the fp16 loss scaler, and the two halves of an optimizer step.
#include <memory>

#include "data/h5_file.h"
#include "dist/communicator.h"
#include "dist/gradient_reducer.h"
#include "models/language_model.h"
#include "train/lm_loss.h"
#include "train/mixed_precision.h"
#include "train/rank_streams.h"
#include "train/train_config.h"

namespace spdlog {
class logger;
}

namespace parlance {

// Throws UserError when the recipe asks for what this machine or this
// LibTorch cannot do (CUDA, mixed precision or NCCL without a GPU).
void check_device_request(const TrainConfig& cfg);
// CPU, or the CUDA device of this rank's node-local rank.
torch::Device training_device(const TrainConfig& cfg, const Communicator& comm);

// The communicator a recipe asks for: train.backend, with "auto" meaning MPI
// when the recipe pins training to the CPU.
std::string communicator_backend(const TrainConfig& cfg);

struct TrainSession {
  torch::Device device = torch::kCPU;
  Precision precision = Precision::Fp32;
  std::unique_ptr<H5File> data;
  StreamPlan train_plan;
  RankStreams train, valid;
  std::shared_ptr<LanguageModel> model;
  std::unique_ptr<GradientReducer> reducer;
  std::unique_ptr<torch::optim::Optimizer> opt;
  LossScaler scaler{false};

  // Rows [pos, pos+len) of the training streams and their next tokens, on the device.
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t pos, int64_t len) const;
  // Forward (under autocast) and backward of one micro-batch; `sync` marks the
  // last micro-batch of an accumulation window of `accumulate`, whose backward
  // also reduces the gradients over ranks. Returns the losses.
  LmLoss micro_batch(const torch::Tensor& x, const torch::Tensor& y, LmState& state, bool sync,
                     const TrainConfig& cfg);
  // After the last micro-batch: wait for the reduction, unscale (fp16), clip,
  // step, zero the gradients. False when an fp16 overflow skipped the step.
  bool optimizer_step(const TrainConfig& cfg);
};

// `resume`: the weights will come from a checkpoint, so train.init is not loaded.
TrainSession open_session(const TrainConfig& cfg, Communicator& comm, spdlog::logger* log, bool resume);

// Every layer group's lr (discriminative: group i of n gets lr / factor^(n-1-i))
// and, when mom >= 0, its momentum (SGD) or beta1 (Adam).
void set_hyper(torch::optim::Optimizer& opt, const TrainConfig& cfg, double lr, double mom);

}  // namespace parlance
