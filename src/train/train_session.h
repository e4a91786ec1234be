#pragma once
// The task-free half of training: a model on its device, identical on every
// rank, its gradient reducer, optimizer (one parameter group per layer group),
// fp16 loss scaler and autocast. Configured once at open from SessionOptions;
// a task's loop calls backward(objective) per micro-batch and optimizer_step()
// per accumulation window. Knows nothing of data, losses or metrics.
#include <memory>
#include <string>

#include "comm/communicator.h"
#include "comm/gradient_reducer.h"
#include "models/model.h"
#include "train/mixed_precision.h"

namespace parlance {

struct TrainConfig;

struct OptimizerSpec {
  std::string kind = "adam";  // adam | sgd
  double lr = 1e-3, momentum = 0.9, beta2 = 0.99, wd = 0.01;
  bool true_wd = true;  // decoupled (AdamW) weight decay
};

struct SessionOptions {
  OptimizerSpec optimizer;
  Precision precision = Precision::Fp32;
  double loss_scale = 65536.0;  // fp16: initial dynamic loss scale
  double clip = 0.0;            // gradient-norm clipping (0: off)
  int64_t accumulate = 1;       // micro-batches per optimizer step
  double discriminative = 1.0;  // lr of group i of n = lr / factor^(n-1-i)
  int64_t freeze_to = 0;        // layer groups frozen at open (negative: all but the last -n)
  uint64_t seed = 42;           // dropout masks: seed + a per-rank offset after open
};
SessionOptions session_options(const TrainConfig& cfg);


class TrainSession {
 public:
  // Moves `model` to `device`, makes every rank start from rank 0's weights,
  // freezes the first opts.freeze_to layer groups, builds the reducer and the
  // optimizer, then seeds this rank's dropout RNG.
  TrainSession(Communicator& comm, std::shared_ptr<Model> model, torch::Device device, const SessionOptions& opts);
  TrainSession(const TrainSession&) = delete;
  TrainSession& operator=(const TrainSession&) = delete;

  torch::Device device() const { return device_; }
  Precision precision() const { return opts_.precision; }
  int64_t accumulate() const { return opts_.accumulate; }
  Model& model() { return *model_; }
  torch::optim::Optimizer& optimizer() { return *opt_; }
  LossScaler& scaler() { return scaler_; }

  // Autocast for a forward + loss (nothing in fp32).
  AutocastScope autocast() const { return AutocastScope(device_, opts_.precision); }
  // Backward of one micro-batch's objective (divided by `accumulate`, scaled
  // in fp16). `sync`: this micro-batch ends an accumulation window, so its
  // backward also averages the gradients over ranks.
  void backward(const torch::Tensor& objective, bool sync);
  // After the last micro-batch of a window: wait for the reduction, unscale
  // (fp16), clip, step, zero the gradients. False when an fp16 overflow skipped the step.
  bool optimizer_step();
  // Every layer group's lr (discriminative) and, when mom >= 0, its momentum
  // (SGD) or beta1 (Adam).
  void set_hyper(double lr, double mom);
  // Freezes layer groups [0, n) and unfreezes the rest (fastai's freeze_to;
  // n = 0 unfreezes all, n < 0 leaves the last -n groups trainable). The
  // reducer re-buckets the trainable set; every rank must call it at the same point.
  void freeze_to(int64_t n);
  int64_t frozen_groups() const { return frozen_; }
  // Enters a stage of gradual unfreezing: freeze_to(freeze), the stage's
  // discriminative factor and, when `fresh_optimizer`, an optimizer without
  // state (fastai builds a new one on every freeze_to).
  void enter_stage(int64_t freeze, double discriminative, bool fresh_optimizer);

 private:
  Communicator& comm_;
  std::shared_ptr<Model> model_;
  torch::Device device_;
  SessionOptions opts_;
  ParamGroups groups_;
  std::unique_ptr<GradientReducer> reducer_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  LossScaler scaler_{false};
  int64_t frozen_ = 0;
};

}  // namespace parlance
