#include "train/lm_trainer.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "data/h5_file.h"
#include "dist/gradient_reducer.h"
#include "train/bptt_schedule.h"
#include "train/checkpoint.h"
#include "train/lm_loss.h"
#include "train/rank_streams.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

using Clock = std::chrono::steady_clock;

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

// Sets every group's lr (discriminative: earlier groups get lr / factor^k) and momentum.
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

// Fault injection for the "one rank fails, every rank exits" test:
// PARLANCE_FAIL_RANK=r PARLANCE_FAIL_STEP=s makes rank r throw at step s.
void fail_if_asked(int rank, int64_t step) {
  static const char* r = std::getenv("PARLANCE_FAIL_RANK");
  static const char* s = std::getenv("PARLANCE_FAIL_STEP");
  if (r && s && std::atoi(r) == rank && std::atoll(s) == step)
    throw std::runtime_error("injected failure (PARLANCE_FAIL_RANK=" + std::string(r) + ", step " + std::to_string(step) + ")");
}

std::string fmt_time(double s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}


}  // namespace

Sums allreduce_sums(Communicator& comm, Sums s) {
  torch::Tensor t = torch::tensor({s.loss, s.correct, s.tokens}, torch::kFloat64);
  comm.allreduce(t, ReduceOp::Sum);
  return {t[0].item<double>(), t[1].item<double>(), t[2].item<double>()};
}

Sums evaluate_lm(LanguageModel& model, const RankStreams& streams, int64_t bptt) {
  torch::NoGradGuard no_grad;
  model.eval();
  LmState state = model.initial_state(streams.bs(), torch::kCPU);
  Sums s;
  for (const auto& st : bptt_steps(streams.stream_len(), bptt, false, 0, 0)) {
    auto x = streams.inputs(st.pos, st.seq_len), y = streams.targets(st.pos, st.seq_len);
    auto out = model.forward(x, state);
    auto logits = out.logits.reshape({-1, out.logits.size(-1)});
    auto yy = y.reshape({-1});
    s.loss += torch::nn::functional::cross_entropy(
                  logits, yy, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                  .item<double>();
    s.correct += (logits.argmax(1) == yy).sum().item<double>();
    s.tokens += static_cast<double>(yy.numel());
  }
  return s;
}

namespace {

}  // namespace

namespace {

// Every rank's copy of `t` (same shape everywhere), stacked: rank 0 saves them all.
torch::Tensor gather(Communicator& comm, const torch::Tensor& t) { return comm.allgather(t.contiguous()); }

// Where training stands; with the weights and optimizer this is all a resumed
// run needs to continue bit for bit (on CPU, same rank count).
struct Position {
  int64_t epoch = 0, next_step = 0, global_step = 0;
};

CheckpointExtras resume_extras(Communicator& comm, const Position& pos, const LmState& state, const Sums& sums) {
  CheckpointExtras x;
  x["position"] = torch::tensor({pos.epoch, pos.next_step, pos.global_step, static_cast<int64_t>(comm.size())});
  x["rng"] = gather(comm, at::detail::getDefaultCPUGenerator().get_state());
  x["sums"] = gather(comm, torch::tensor({sums.loss, sums.tokens}, torch::kFloat64));
  x["state_count"] = torch::tensor(static_cast<int64_t>(state.size()));
  for (size_t k = 0; k < state.size(); ++k) x["state" + std::to_string(k)] = gather(comm, state[k]);
  return x;
}

// What training and lr-find share: this rank's streams, the model (identical
// on every rank), the reducer and the optimizer.
struct Session {
  std::unique_ptr<H5File> data;
  StreamPlan train_plan;
  RankStreams train, valid;
  std::shared_ptr<LanguageModel> model;
  std::unique_ptr<GradientReducer> reducer;
  std::unique_ptr<torch::optim::Optimizer> opt;
};

Session open_session(const TrainConfig& cfg, Communicator& comm, spdlog::logger* log, bool resume) {
  const int rank = comm.rank(), world = comm.size();
  auto data = std::make_unique<H5File>(cfg.data, H5File::Mode::Read);
  auto itos = data->read_strings("/vocab/itos");
  const int64_t n_train = static_cast<int64_t>(data->length("/" + cfg.train_split + "/tokens"));
  const int64_t n_valid = static_cast<int64_t>(data->length("/" + cfg.valid_split + "/tokens"));
  StreamPlan train_plan = plan_streams(n_train, world, rank, cfg.bs, cfg.backwards);
  RankStreams train = cfg.shuffle ? RankStreams::load_shuffled(*data, cfg.train_split, train_plan, cfg.bs, cfg.seed, 0)
                                  : RankStreams::load(*data, cfg.train_split, train_plan, cfg.bs);
  RankStreams valid = RankStreams::load(*data, cfg.valid_split,
                                        plan_streams(n_valid, world, rank, cfg.valid_bs, cfg.backwards), cfg.valid_bs);
  Session ses{std::move(data), train_plan, std::move(train), std::move(valid), nullptr, nullptr, nullptr};
  if (log)
    log->info("train streams {} x {} tokens, valid {} x {}", cfg.bs, ses.train.stream_len(), cfg.valid_bs,
              ses.valid.stream_len());
  LmSpec spec = cfg.model;
  spec.vocab = static_cast<int64_t>(itos.size());
  torch::manual_seed(cfg.seed);  // the same initial weights everywhere (rank 0's are broadcast anyway)
  ses.model = make_language_model(spec);
  auto groups = ses.model->layer_groups();
  for (int64_t g = 0; g < cfg.freeze_to && g < static_cast<int64_t>(groups.size()); ++g)
    for (auto& p : groups[static_cast<size_t>(g)]) p.set_requires_grad(false);
  if (!cfg.init.empty() && !resume) load_weights(cfg.init, *ses.model);
  ses.reducer = std::make_unique<GradientReducer>(comm, ses.model->parameters());
  ses.reducer->broadcast_parameters();
  ses.opt = make_optimizer(cfg, groups);
  torch::manual_seed(cfg.seed + 1000003ull * static_cast<uint64_t>(rank));  // dropout masks differ per rank
  return ses;
}

}  // namespace

std::vector<EpochMetrics> train_language_model(const TrainConfig& cfg, Communicator& comm, bool resume,
                                               const TrainProgressFn& progress) {
  const int rank = comm.rank(), world = comm.size();
  torch::set_num_threads(static_cast<int>(cfg.threads));
  const fs::path run = cfg.run_dir;
  const std::string ckpt = (run / "checkpoints" / "last.pt").string();
  if (rank == 0) {
    fs::create_directories(run / "checkpoints");
    fs::create_directories(run / "log");
    write_file_atomically((run / "config.toml").string(), cfg.resolved_toml);
  }
  comm.barrier();
  auto log = spdlog::basic_logger_mt("train-rank" + std::to_string(rank),
                                     (run / "log" / ("rank" + std::to_string(rank) + ".log")).string(), !resume);
  log->set_pattern("[%H:%M:%S.%e] [rank " + std::to_string(rank) + "] %l %v");

  Session ses = open_session(cfg, comm, log.get(), resume);
  auto& model = ses.model;
  auto& opt = ses.opt;
  auto& reducer = *ses.reducer;
  auto& train = ses.train;
  auto& valid = ses.valid;

  Position pos;
  LmState state = model->initial_state(cfg.bs, torch::kCPU);
  Sums train_sums;
  if (resume) {
    std::vector<std::string> names = {"position", "rng", "sums", "state_count"};
    for (size_t k = 0; k < state.size(); ++k) names.push_back("state" + std::to_string(k));
    auto x = restore_checkpoint(ckpt, *model, *opt, names);
    auto p = x["position"];
    if (p[3].item<int64_t>() != world)
      throw UserError(ckpt + ": written by " + std::to_string(p[3].item<int64_t>()) + " ranks; resume with the same number (" +
                      std::to_string(world) + " now)");
    pos = {p[0].item<int64_t>(), p[1].item<int64_t>(), p[2].item<int64_t>()};
    {
      at::Generator gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(x["rng"][rank].contiguous());
    }
    for (size_t k = 0; k < state.size(); ++k) state[k] = x["state" + std::to_string(k)][rank].clone();
    train_sums = {x["sums"][rank][0].item<double>(), 0, x["sums"][rank][1].item<double>()};
    if (rank == 0)
      std::printf("resuming %s at epoch %lld, step %lld\n", ckpt.c_str(), static_cast<long long>(pos.epoch),
                  static_cast<long long>(pos.next_step));
  }

  int64_t steps_per_epoch = 0;
  for (int64_t e = 0; e < cfg.epochs; ++e) {
    auto n = static_cast<int64_t>(bptt_steps(train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, e).size());
    steps_per_epoch = std::max(steps_per_epoch, (n + cfg.accumulate - 1) / cfg.accumulate);
  }
  const int64_t total_steps = steps_per_epoch * cfg.epochs;
  if (rank == 0) std::printf("%-6s %-11s %-11s %-9s %-11s %s\n", "epoch", "train_loss", "valid_loss", "accuracy", "perplexity", "time");

  std::vector<EpochMetrics> history;
  bool stop = false;
  std::ofstream metrics_out;
  if (rank == 0) metrics_out.open(run / "metrics.jsonl", std::ios::app);
  for (; pos.epoch < cfg.epochs && !stop; ++pos.epoch, pos.next_step = 0) {
    const auto t0 = Clock::now();
    model->train();
    if (cfg.shuffle && pos.epoch > 0)  // epoch 0's order was loaded with the session
      train = RankStreams::load_shuffled(*ses.data, cfg.train_split, ses.train_plan, cfg.bs, cfg.seed,
                                         static_cast<uint64_t>(pos.epoch));
    const auto steps = bptt_steps(train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, static_cast<uint64_t>(pos.epoch));
    for (; static_cast<size_t>(pos.next_step) < steps.size() && !stop;) {
      const size_t i = static_cast<size_t>(pos.next_step);
      const auto& st = steps[i];
      const bool sync = (static_cast<int64_t>(i) + 1) % cfg.accumulate == 0 || i + 1 == steps.size();
      for (auto& t : state) t = t.detach();  // carry the state, not its history
      auto sv = schedule_at(cfg.schedule, std::min(pos.global_step, total_steps - 1), total_steps, steps_per_epoch);
      double lr = sv.lr * (cfg.lr_scale_by_seq_len ? static_cast<double>(st.seq_len) / static_cast<double>(cfg.bptt) : 1.0);
      set_hyper(*opt, cfg, lr, sv.mom);
      auto x = train.inputs(st.pos, st.seq_len), y = train.targets(st.pos, st.seq_len);
      reducer.prepare(sync);
      auto out = model->forward(x, state);
      auto loss = lm_loss(out, y, cfg.alpha, cfg.beta);
      fail_if_asked(rank, pos.global_step);
      if (!std::isfinite(loss.total.item<double>()))
        throw std::runtime_error("loss is " + std::to_string(loss.total.item<double>()) + " at epoch " +
                                 std::to_string(pos.epoch) + " step " + std::to_string(i));
      (cfg.accumulate > 1 ? loss.total / static_cast<double>(cfg.accumulate) : loss.total).backward();
      train_sums.loss += loss.ce.item<double>() * static_cast<double>(y.numel());
      train_sums.tokens += static_cast<double>(y.numel());
      ++pos.next_step;
      if (!sync) continue;
      reducer.finalize();
      if (cfg.clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), cfg.clip);
      opt->step();
      opt->zero_grad();
      ++pos.global_step;
      if (progress && rank == 0) {
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        progress(pos.epoch, pos.next_step, static_cast<int64_t>(steps.size()), train_sums.tokens * world / std::max(secs, 1e-9));
      }
      if (cfg.max_steps > 0 && pos.global_step >= cfg.max_steps) stop = true;
      const bool last_of_epoch = static_cast<size_t>(pos.next_step) == steps.size();
      if (!last_of_epoch && (stop || (cfg.checkpoint_every > 0 && pos.global_step % cfg.checkpoint_every == 0))) {
        auto extras = resume_extras(comm, pos, state, train_sums);  // collective
        if (rank == 0) save_checkpoint(ckpt, *model, *opt, pos.epoch, pos.global_step, cfg.resolved_toml, extras);
      }
    }
    if (static_cast<size_t>(pos.next_step) < steps.size()) break;  // stopped mid-epoch (max_steps)
    Sums tr = allreduce_sums(comm, train_sums);
    Sums va = allreduce_sums(comm, evaluate_lm(*model, valid, cfg.bptt));
    EpochMetrics m;
    m.epoch = pos.epoch;
    m.train_loss = tr.loss / std::max(tr.tokens, 1.0);
    m.valid_loss = va.loss / std::max(va.tokens, 1.0);
    m.accuracy = va.correct / std::max(va.tokens, 1.0);
    m.perplexity = std::exp(m.valid_loss);
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    m.tokens_per_s = tr.tokens / m.seconds;
    history.push_back(m);
    log->info("epoch {} train_loss {:.4f} valid_loss {:.4f} accuracy {:.4f} tokens/s {:.0f}", pos.epoch, m.train_loss,
              m.valid_loss, m.accuracy, m.tokens_per_s);
    if (rank == 0) {
      std::printf("%-6lld %-11.6f %-11.6f %-9.6f %-11.4f %s\n", static_cast<long long>(pos.epoch), m.train_loss,
                  m.valid_loss, m.accuracy, m.perplexity, fmt_time(m.seconds).c_str());
      std::fflush(stdout);
      metrics_out << nlohmann::json{{"epoch", pos.epoch},         {"train_loss", m.train_loss},
                                    {"valid_loss", m.valid_loss}, {"accuracy", m.accuracy},
                                    {"perplexity", m.perplexity}, {"seconds", m.seconds},
                                    {"tokens_per_s", m.tokens_per_s}, {"ranks", world}}
                         .dump()
                  << "\n";
      metrics_out.flush();
    }
    // The next epoch starts from a fresh state: checkpoint that position.
    Position next{pos.epoch + 1, 0, pos.global_step};
    state = model->initial_state(cfg.bs, torch::kCPU);
    train_sums = Sums{};
    auto extras = resume_extras(comm, next, state, train_sums);
    if (rank == 0) save_checkpoint(ckpt, *model, *opt, next.epoch, next.global_step, cfg.resolved_toml, extras);
  }
  if (cfg.save_encoder && rank == 0) save_encoder((run / "encoder.pt").string(), *model);
  comm.barrier();
  spdlog::drop(log->name());
  return history;
}

}  // namespace parlance

namespace parlance {
namespace {

// A log-x plot of the sweep as SVG: an image any browser shows, no plotting library.
std::string lr_find_svg(const std::vector<LrFindPoint>& pts) {
  const double w = 640, h = 400, m = 50;
  double lo = 1e300, hi = -1e300, x0 = std::log10(pts.front().lr), x1 = std::log10(pts.back().lr);
  for (const auto& p : pts) lo = std::min(lo, p.smoothed_loss), hi = std::max(hi, p.smoothed_loss);
  if (hi <= lo) hi = lo + 1;
  if (x1 <= x0) x1 = x0 + 1;
  auto X = [&](double lr) { return m + (std::log10(lr) - x0) / (x1 - x0) * (w - 2 * m); };
  auto Y = [&](double l) { return h - m - (l - lo) / (hi - lo) * (h - 2 * m); };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"";
  char buf[64];
  for (const auto& p : pts) {
    std::snprintf(buf, sizeof buf, "%.1f,%.1f ", X(p.lr), Y(p.smoothed_loss));
    svg += buf;
  }
  svg += "\"/>\n";
  for (int e = static_cast<int>(std::ceil(x0)); e <= static_cast<int>(std::floor(x1)); ++e) {
    std::snprintf(buf, sizeof buf, "%.1f", X(std::pow(10.0, e)));
    svg += "<text x=\"" + std::string(buf) + "\" y=\"" + std::to_string(static_cast<int>(h - m + 20)) +
           "\" font-size=\"12\" text-anchor=\"middle\">1e" + std::to_string(e) + "</text>\n";
  }
  svg += "<text x=\"320\" y=\"390\" font-size=\"13\" text-anchor=\"middle\">learning rate (log scale)</text>\n";
  svg += "<text x=\"15\" y=\"200\" font-size=\"13\" transform=\"rotate(-90 15 200)\" text-anchor=\"middle\">smoothed loss</text>\n</svg>\n";
  return svg;
}

}  // namespace

std::vector<LrFindPoint> lr_find(const TrainConfig& cfg, Communicator& comm, double start_lr, double end_lr, int64_t iters) {
  torch::set_num_threads(static_cast<int>(cfg.threads));
  Session ses = open_session(cfg, comm, nullptr, false);
  auto& model = *ses.model;
  model.train();
  LmState state = model.initial_state(cfg.bs, torch::kCPU);
  std::vector<LrFindPoint> pts;
  double avg = 0, best = 1e300;
  int64_t epoch = 0;
  auto steps = bptt_steps(ses.train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, 0);
  for (int64_t i = 0, k = 0; i < iters; ++i, ++k) {
    if (static_cast<size_t>(k) == steps.size()) {  // more iterations than one epoch has: keep going
      steps = bptt_steps(ses.train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, static_cast<uint64_t>(++epoch));
      state = model.initial_state(cfg.bs, torch::kCPU);
      k = 0;
    }
    const auto& st = steps[static_cast<size_t>(k)];
    const double lr = start_lr * std::pow(end_lr / start_lr, static_cast<double>(i) / static_cast<double>(iters - 1));
    set_hyper(*ses.opt, cfg, lr, -1);
    for (auto& t : state) t = t.detach();
    ses.reducer->prepare(true);
    auto loss = lm_loss(model.forward(ses.train.inputs(st.pos, st.seq_len), state), ses.train.targets(st.pos, st.seq_len),
                        cfg.alpha, cfg.beta);
    loss.total.backward();
    ses.reducer->finalize();
    if (cfg.clip > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), cfg.clip);
    ses.opt->step();
    ses.opt->zero_grad();
    // The loss averaged over ranks, so every rank stops at the same step.
    torch::Tensor l = torch::tensor({loss.ce.item<double>()}, torch::kFloat64);
    comm.allreduce(l, ReduceOp::Avg);
    const double raw = l.item<double>();
    avg = 0.98 * avg + 0.02 * raw;  // fastai's smoothing, bias-corrected
    const double smooth = avg / (1 - std::pow(0.98, static_cast<double>(i + 1)));
    pts.push_back({lr, raw, smooth});
    best = std::min(best, smooth);
    if (!std::isfinite(smooth) || smooth > 4 * best) break;  // the loss exploded
  }
  if (comm.rank() == 0 && !cfg.run_dir.empty()) {
    fs::create_directories(cfg.run_dir);
    std::string csv = "lr,loss,smoothed_loss\n";
    char line[96];
    for (const auto& p : pts) {
      std::snprintf(line, sizeof line, "%.6g,%.6f,%.6f\n", p.lr, p.loss, p.smoothed_loss);
      csv += line;
    }
    write_file_atomically((fs::path(cfg.run_dir) / "lr_find.csv").string(), csv);
    write_file_atomically((fs::path(cfg.run_dir) / "lr_find.svg").string(), lr_find_svg(pts));
  }
  return pts;
}

}  // namespace parlance
