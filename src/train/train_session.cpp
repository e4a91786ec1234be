#include "train/train_session.h"

#include <algorithm>
#include <cmath>

#include "train/grad_clip.h"
#include "train/train_config.h"
#include "util/error.h"

namespace parlance {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& o, const ParamGroups& groups) {
  std::vector<torch::optim::OptimizerParamGroup> pg;
  if (o.kind == "sgd") {
    for (const auto& g : groups)
      pg.emplace_back(g, std::make_unique<torch::optim::SGDOptions>(
                             torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.true_wd ? 0.0 : o.wd)));
    return std::make_unique<torch::optim::SGD>(pg, torch::optim::SGDOptions(o.lr));
  }
  if (o.true_wd) {
    for (const auto& g : groups)
      pg.emplace_back(g, std::make_unique<torch::optim::AdamWOptions>(
                             torch::optim::AdamWOptions(o.lr).betas({o.momentum, o.beta2}).weight_decay(o.wd)));
    return std::make_unique<torch::optim::AdamW>(pg, torch::optim::AdamWOptions(o.lr));
  }
  for (const auto& g : groups)
    pg.emplace_back(g, std::make_unique<torch::optim::AdamOptions>(
                           torch::optim::AdamOptions(o.lr).betas({o.momentum, o.beta2}).weight_decay(o.wd)));
  return std::make_unique<torch::optim::Adam>(pg, torch::optim::AdamOptions(o.lr));
}

// Layer groups frozen by fastai's freeze_to(n) over `groups` groups.
int64_t frozen_count(int64_t n, size_t groups) {
  const auto g = static_cast<int64_t>(groups);
  return std::clamp<int64_t>(n < 0 ? g + n : n, 0, g);
}

}  // namespace

SessionOptions session_options(const TrainConfig& cfg) {
  SessionOptions s;
  s.optimizer = {cfg.optimizer, cfg.stages.front().lr, cfg.momentum, cfg.beta2, cfg.wd, cfg.true_wd};
  s.precision = parse_precision(cfg.precision);
  s.loss_scale = cfg.loss_scale;
  s.clip = cfg.clip;
  s.accumulate = cfg.accumulate;
  s.discriminative = cfg.stages.front().discriminative;  // the loop sets each stage's
  s.freeze_to = cfg.stages.front().freeze_to;
  s.seed = cfg.seed;
  return s;
}

TrainSession::TrainSession(Communicator& comm, std::shared_ptr<Model> model, torch::Device device,
                           const SessionOptions& opts)
    : comm_(comm), model_(std::move(model)), device_(device), opts_(opts) {
  groups_ = model_->layer_groups();
  frozen_ = frozen_count(opts.freeze_to, groups_.size());
  for (int64_t g = 0; g < frozen_; ++g)
    for (auto& p : groups_[static_cast<size_t>(g)]) p.set_requires_grad(false);
  model_->to(device_);  // moves each parameter's data in place: groups_ and the hooks below see the device tensors
  // Buckets live on the device, so the reducer comes after the move.
  reducer_ = std::make_unique<GradientReducer>(comm_, model_->parameters());
  reducer_->broadcast_parameters();
  opt_ = make_optimizer(opts.optimizer, groups_);
  scaler_ = LossScaler(opts.precision == Precision::Fp16, opts.loss_scale);
  // Dropout masks differ per rank (the weights do not: rank 0's were broadcast).
  torch::manual_seed(opts.seed + 1000003ull * static_cast<uint64_t>(comm_.rank()));
}

void TrainSession::backward(const torch::Tensor& objective, bool sync) {
  reducer_->prepare(sync);
  torch::Tensor total = opts_.accumulate > 1 ? objective / static_cast<double>(opts_.accumulate) : objective;
  scaler_.scale_loss(total).backward();
}

bool TrainSession::optimizer_step() {
  reducer_->finalize();
  auto params = model_->parameters();
  const bool finite = scaler_.unscale(params);
  if (finite) {
    if (opts_.clip > 0) clip_grad_norm(params, opts_.clip);
    opt_->step();
  }
  scaler_.update(finite);
  opt_->zero_grad();
  return finite;
}

void TrainSession::set_hyper(double lr, double mom) {
  auto& groups = opt_->param_groups();
  const size_t n = groups.size();
  for (size_t i = 0; i < n; ++i) {
    double g_lr = lr / std::pow(opts_.discriminative, static_cast<double>(n - 1 - i));
    auto& o = groups[i].options();
    o.set_lr(g_lr);
    if (mom < 0) continue;
    if (auto* a = dynamic_cast<torch::optim::AdamWOptions*>(&o)) a->betas({mom, std::get<1>(a->betas())});
    if (auto* a = dynamic_cast<torch::optim::AdamOptions*>(&o)) a->betas({mom, std::get<1>(a->betas())});
    if (auto* s = dynamic_cast<torch::optim::SGDOptions*>(&o)) s->momentum(mom);
  }
}

void TrainSession::freeze_to(int64_t n) {
  n = frozen_count(n, groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g)
    for (auto& p : groups_[g]) {
      p.set_requires_grad(static_cast<int64_t>(g) >= n);
      if (!p.requires_grad()) p.mutable_grad() = torch::Tensor();  // a frozen parameter takes no step
    }
  frozen_ = n;
  reducer_->rebuild();
}

void TrainSession::enter_stage(int64_t freeze, double discriminative, bool fresh_optimizer) {
  if (frozen_count(freeze, groups_.size()) != frozen_) freeze_to(freeze);
  opts_.discriminative = discriminative;
  if (fresh_optimizer) opt_ = make_optimizer(opts_.optimizer, groups_);
}

}  // namespace parlance
