#include "train/train_session.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "train/checkpoint.h"
#include "train/grad_clip.h"
#include "util/error.h"

namespace parlance {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainConfig& cfg,
                                                        const std::vector<std::vector<torch::Tensor>>& groups) {
  if (cfg.optimizer == "sgd") {
    std::vector<torch::optim::OptimizerParamGroup> pg;
    for (const auto& g : groups)
      pg.emplace_back(g, std::make_unique<torch::optim::SGDOptions>(
                             torch::optim::SGDOptions(cfg.schedule.lr_max).momentum(cfg.momentum).weight_decay(
                                 cfg.true_wd ? 0.0 : cfg.wd)));
    return std::make_unique<torch::optim::SGD>(pg, torch::optim::SGDOptions(cfg.schedule.lr_max));
  }
  std::vector<torch::optim::OptimizerParamGroup> pg;
  if (cfg.true_wd) {
    for (const auto& g : groups)
      pg.emplace_back(g, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(cfg.schedule.lr_max)
                                                                          .betas({cfg.momentum, cfg.beta2})
                                                                          .weight_decay(cfg.wd)));
    return std::make_unique<torch::optim::AdamW>(pg, torch::optim::AdamWOptions(cfg.schedule.lr_max));
  }
  for (const auto& g : groups)
    pg.emplace_back(g, std::make_unique<torch::optim::AdamOptions>(
                           torch::optim::AdamOptions(cfg.schedule.lr_max).betas({cfg.momentum, cfg.beta2}).weight_decay(cfg.wd)));
  return std::make_unique<torch::optim::Adam>(pg, torch::optim::AdamOptions(cfg.schedule.lr_max));
}

}  // namespace

void check_device_request(const TrainConfig& cfg) {
  const bool have_cuda = torch::cuda::is_available();
  if (cfg.device == "cuda" && !have_cuda)
    throw UserError("train.device = \"cuda\", but this LibTorch sees no CUDA device (Debian's libtorch is CPU-only; "
                    "build against the pip wheel's LibTorch on GPU machines)");
  const bool cuda = cfg.device == "cuda" || (cfg.device == "auto" && have_cuda);
  if (!cuda && cfg.precision != "fp32")
    throw UserError("train.precision = \"" + cfg.precision + "\" needs a CUDA device; CPU training stays fp32");
  if (!cuda && cfg.backend == "nccl")
    throw UserError("train.backend = \"nccl\" needs CUDA tensors, but training runs on the CPU here");
}

torch::Device training_device(const TrainConfig& cfg, const Communicator& comm) {
  check_device_request(cfg);
  if (cfg.device == "cpu" || !torch::cuda::is_available()) return torch::kCPU;
  const auto devices = static_cast<int>(torch::cuda::device_count());
  return {torch::kCUDA, static_cast<c10::DeviceIndex>(comm.local_rank() % devices)};
}

std::string communicator_backend(const TrainConfig& cfg) {
  if (cfg.backend == "auto" && cfg.device == "cpu") return "mpi";
  return cfg.backend;
}

TrainSession open_session(const TrainConfig& cfg, Communicator& comm, spdlog::logger* log, bool resume) {
  const int rank = comm.rank(), world = comm.size();
  TrainSession ses;
  ses.device = training_device(cfg, comm);
  ses.precision = parse_precision(cfg.precision);
  ses.data = std::make_unique<H5File>(cfg.data, H5File::Mode::Read);
  auto itos = ses.data->read_strings("/vocab/itos");
  const int64_t n_train = static_cast<int64_t>(ses.data->length("/" + cfg.train_split + "/tokens"));
  const int64_t n_valid = static_cast<int64_t>(ses.data->length("/" + cfg.valid_split + "/tokens"));
  ses.train_plan = plan_streams(n_train, world, rank, cfg.bs, cfg.backwards);
  ses.train = cfg.shuffle ? RankStreams::load_shuffled(*ses.data, cfg.train_split, ses.train_plan, cfg.bs, cfg.seed, 0)
                          : RankStreams::load(*ses.data, cfg.train_split, ses.train_plan, cfg.bs);
  ses.valid = RankStreams::load(*ses.data, cfg.valid_split,
                                plan_streams(n_valid, world, rank, cfg.valid_bs, cfg.backwards), cfg.valid_bs);
  if (log)
    log->info("train streams {} x {} tokens, valid {} x {}; device {}, precision {}", cfg.bs, ses.train.stream_len(),
              cfg.valid_bs, ses.valid.stream_len(), ses.device.str(), cfg.precision);
  LmSpec spec = cfg.model;
  spec.vocab = static_cast<int64_t>(itos.size());
  torch::manual_seed(cfg.seed);  // the same initial weights everywhere (rank 0's are broadcast anyway)
  ses.model = make_language_model(spec);
  auto groups = ses.model->layer_groups();
  for (int64_t g = 0; g < cfg.freeze_to && g < static_cast<int64_t>(groups.size()); ++g)
    for (auto& p : groups[static_cast<size_t>(g)]) p.set_requires_grad(false);
  if (!cfg.init.empty() && !resume) load_weights(cfg.init, *ses.model);
  ses.model->to(ses.device);
  // Buckets live on the device, so the reducer comes after the move.
  ses.reducer = std::make_unique<GradientReducer>(comm, ses.model->parameters());
  ses.reducer->broadcast_parameters();
  ses.opt = make_optimizer(cfg, groups);
  ses.scaler = LossScaler(ses.precision == Precision::Fp16, cfg.loss_scale);
  torch::manual_seed(cfg.seed + 1000003ull * static_cast<uint64_t>(rank));  // dropout masks differ per rank
  return ses;
}

std::pair<torch::Tensor, torch::Tensor> TrainSession::batch(int64_t pos, int64_t len) const {
  return {train.inputs(pos, len).to(device), train.targets(pos, len).to(device)};
}

LmLoss TrainSession::micro_batch(const torch::Tensor& x, const torch::Tensor& y, LmState& state, bool sync,
                                 const TrainConfig& cfg) {
  reducer->prepare(sync);
  LmLoss loss;
  {
    AutocastScope autocast(device, precision);
    loss = lm_loss(model->forward(x, state), y, cfg.alpha, cfg.beta);
  }
  torch::Tensor total = cfg.accumulate > 1 ? loss.total / static_cast<double>(cfg.accumulate) : loss.total;
  scaler.scale_loss(total).backward();
  return loss;
}

bool TrainSession::optimizer_step(const TrainConfig& cfg) {
  reducer->finalize();
  auto params = model->parameters();
  const bool finite = scaler.unscale(params);
  if (finite) {
    if (cfg.clip > 0) clip_grad_norm(params, cfg.clip);
    opt->step();
  }
  scaler.update(finite);
  opt->zero_grad();
  return finite;
}

void set_hyper(torch::optim::Optimizer& opt, const TrainConfig& cfg, double lr, double mom) {
  auto& groups = opt.param_groups();
  const size_t n = groups.size();
  for (size_t i = 0; i < n; ++i) {
    double g_lr = lr / std::pow(cfg.discriminative, static_cast<double>(n - 1 - i));
    auto& o = groups[i].options();
    o.set_lr(g_lr);
    if (mom < 0) continue;
    if (auto* a = dynamic_cast<torch::optim::AdamWOptions*>(&o)) a->betas({mom, std::get<1>(a->betas())});
    if (auto* a = dynamic_cast<torch::optim::AdamOptions*>(&o)) a->betas({mom, std::get<1>(a->betas())});
    if (auto* s = dynamic_cast<torch::optim::SGDOptions*>(&o)) s->momentum(mom);
  }
}

}  // namespace parlance
