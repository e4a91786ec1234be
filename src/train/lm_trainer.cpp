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

#include "train/bptt_schedule.h"
#include "train/checkpoint.h"
#include "train/train_session.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

using Clock = std::chrono::steady_clock;

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

// Every rank's copy of `t` (same shape everywhere), stacked, on the host: rank 0 saves them all.
torch::Tensor gather(Communicator& comm, const torch::Tensor& t) { return comm.allgather(t.contiguous()).cpu(); }

// Where training stands; with the weights and optimizer this is all a resumed
// run needs to continue bit for bit (on CPU, same rank count).
struct Position {
  int64_t epoch = 0, next_step = 0, global_step = 0;
};

at::Generator default_generator(torch::Device device) { return at::globalContext().defaultGenerator(device); }

CheckpointExtras resume_extras(Communicator& comm, const TrainSession& ses, const Position& pos, const LmState& state,
                               const Sums& sums) {
  CheckpointExtras x;
  x["position"] = torch::tensor({pos.epoch, pos.next_step, pos.global_step, static_cast<int64_t>(comm.size())});
  x["rng"] = gather(comm, default_generator(torch::kCPU).get_state());
  if (ses.device.is_cuda()) x["rng_device"] = gather(comm, default_generator(ses.device).get_state());
  x["sums"] = gather(comm, torch::tensor({sums.loss, sums.tokens}, torch::kFloat64));
  x["loss_scaler"] = ses.scaler.state();
  x["state_count"] = torch::tensor(static_cast<int64_t>(state.size()));
  for (size_t k = 0; k < state.size(); ++k) x["state" + std::to_string(k)] = gather(comm, state[k]);
  return x;
}

// Loads RUN/checkpoints/last.pt into the session; returns the position and
// fills this rank's recurrent state and running sums.
Position resume_from(const std::string& ckpt, Communicator& comm, TrainSession& ses, LmState& state, Sums& sums) {
  const int rank = comm.rank(), world = comm.size();
  std::vector<std::string> names = {"position", "rng", "sums", "state_count"};
  for (size_t k = 0; k < state.size(); ++k) names.push_back("state" + std::to_string(k));
  if (ses.device.is_cuda()) names.push_back("rng_device");
  if (ses.scaler.enabled()) names.push_back("loss_scaler");
  auto x = restore_checkpoint(ckpt, *ses.model, *ses.opt, names);
  auto p = x["position"];
  if (p[3].item<int64_t>() != world)
    throw UserError(ckpt + ": written by " + std::to_string(p[3].item<int64_t>()) + " ranks; resume with the same number (" +
                    std::to_string(world) + " now)");
  auto restore_rng = [&](torch::Device d, const torch::Tensor& all) {
    at::Generator gen = default_generator(d);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(all[rank].cpu().contiguous());
  };
  restore_rng(torch::kCPU, x["rng"]);
  if (ses.device.is_cuda()) restore_rng(ses.device, x["rng_device"]);
  if (ses.scaler.enabled()) ses.scaler.load_state(x["loss_scaler"]);
  for (size_t k = 0; k < state.size(); ++k) state[k] = x["state" + std::to_string(k)][rank].to(ses.device);
  sums = {x["sums"][rank][0].item<double>(), 0, x["sums"][rank][1].item<double>()};
  return {p[0].item<int64_t>(), p[1].item<int64_t>(), p[2].item<int64_t>()};
}

// The running training loss lives on the device; reading it is a host sync,
// so on CUDA it is read (and checked for NaN/inf) every few steps only.
struct LossMeter {
  torch::Tensor sum;  // float64, on the device
  double tokens = 0;
  int64_t since_check = 0, check_every = 1;

  void add(const torch::Tensor& mean_ce, int64_t n) {
    sum.add_(mean_ce.to(torch::kFloat64) * static_cast<double>(n));
    tokens += static_cast<double>(n);
  }
  Sums read() const { return {sum.item<double>(), 0, tokens}; }
  // Throws when the loss stopped being finite.
  void check(const std::string& where, bool force = false) {
    if (!force && ++since_check < check_every) return;
    since_check = 0;
    const double v = sum.item<double>();
    if (!std::isfinite(v)) throw std::runtime_error("training loss is " + std::to_string(v) + " " + where);
  }
};

}  // namespace

Sums allreduce_sums(Communicator& comm, Sums s) {
  torch::Tensor t = torch::tensor({s.loss, s.correct, s.tokens}, torch::kFloat64);
  comm.allreduce(t, ReduceOp::Sum);
  return {t[0].item<double>(), t[1].item<double>(), t[2].item<double>()};
}

Sums evaluate_lm(LanguageModel& model, const RankStreams& streams, int64_t bptt) {
  torch::NoGradGuard no_grad;
  model.eval();
  const torch::Device device = model.parameters().front().device();
  LmState state = model.initial_state(streams.bs(), device);
  // Summed on the device (fp64) and read once at the end.
  torch::Tensor loss = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  torch::Tensor correct = torch::zeros({}, loss.options());
  double tokens = 0;
  for (const auto& st : bptt_steps(streams.stream_len(), bptt, false, 0, 0)) {
    auto x = streams.inputs(st.pos, st.seq_len).to(device), y = streams.targets(st.pos, st.seq_len).to(device);
    auto logits = model.forward(x, state).logits();
    logits = logits.reshape({-1, logits.size(-1)});
    auto yy = y.reshape({-1});
    loss.add_(torch::nn::functional::cross_entropy(logits, yy,
                                                   torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                  .to(torch::kFloat64));
    correct.add_((logits.argmax(1) == yy).sum());
    tokens += static_cast<double>(yy.numel());
  }
  return {loss.item<double>(), correct.item<double>(), tokens};
}

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

  TrainSession ses = open_session(cfg, comm, log.get(), resume);
  c10::OptionalDeviceGuard device_guard;
  if (ses.device.is_cuda()) device_guard.reset_device(ses.device);
  auto& model = *ses.model;

  Position pos;
  LmState state = model.initial_state(cfg.bs, ses.device);
  Sums resumed_sums;
  if (resume) {
    pos = resume_from(ckpt, comm, ses, state, resumed_sums);
    if (rank == 0)
      std::printf("resuming %s at epoch %lld, step %lld\n", ckpt.c_str(), static_cast<long long>(pos.epoch),
                  static_cast<long long>(pos.next_step));
  }
  auto fresh_meter = [&](const Sums& start) {
    LossMeter m{torch::full({}, start.loss, torch::TensorOptions().dtype(torch::kFloat64).device(ses.device)),
                start.tokens};
    m.check_every = ses.device.is_cuda() ? 20 : 1;
    return m;
  };
  LossMeter meter = fresh_meter(resumed_sums);

  int64_t steps_per_epoch = 0;
  for (int64_t e = 0; e < cfg.epochs; ++e) {
    auto n = static_cast<int64_t>(bptt_steps(ses.train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, e).size());
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
    model.train();
    if (cfg.shuffle && pos.epoch > 0)  // epoch 0's order was loaded with the session
      ses.train = RankStreams::load_shuffled(*ses.data, cfg.train_split, ses.train_plan, cfg.bs, cfg.seed,
                                             static_cast<uint64_t>(pos.epoch));
    const auto steps = bptt_steps(ses.train.stream_len(), cfg.bptt, cfg.variable_bptt, cfg.seed, static_cast<uint64_t>(pos.epoch));
    for (; static_cast<size_t>(pos.next_step) < steps.size() && !stop;) {
      const size_t i = static_cast<size_t>(pos.next_step);
      const auto& st = steps[i];
      const bool sync = (static_cast<int64_t>(i) + 1) % cfg.accumulate == 0 || i + 1 == steps.size();
      for (auto& t : state) t = t.detach();  // carry the state, not its history
      auto sv = schedule_at(cfg.schedule, std::min(pos.global_step, total_steps - 1), total_steps, steps_per_epoch);
      double lr = sv.lr * (cfg.lr_scale_by_seq_len ? static_cast<double>(st.seq_len) / static_cast<double>(cfg.bptt) : 1.0);
      set_hyper(*ses.opt, cfg, lr, sv.mom);
      auto [x, y] = ses.batch(st.pos, st.seq_len);
      auto loss = ses.micro_batch(x, y, state, sync, cfg);
      fail_if_asked(rank, pos.global_step);
      meter.add(loss.ce, y.numel());
      meter.check("at epoch " + std::to_string(pos.epoch) + " step " + std::to_string(i));
      ++pos.next_step;
      if (!sync) continue;
      if (!ses.optimizer_step(cfg)) log->warn("fp16 gradients overflowed: step {} skipped, loss scale now {}", pos.global_step, ses.scaler.scale());
      ++pos.global_step;
      if (progress && rank == 0) {
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        progress(pos.epoch, pos.next_step, static_cast<int64_t>(steps.size()), meter.tokens * world / std::max(secs, 1e-9));
      }
      if (cfg.max_steps > 0 && pos.global_step >= cfg.max_steps) stop = true;
      const bool last_of_epoch = static_cast<size_t>(pos.next_step) == steps.size();
      if (!last_of_epoch && (stop || (cfg.checkpoint_every > 0 && pos.global_step % cfg.checkpoint_every == 0))) {
        auto extras = resume_extras(comm, ses, pos, state, meter.read());  // collective
        if (rank == 0) save_checkpoint(ckpt, model, *ses.opt, pos.epoch, pos.global_step, cfg.resolved_toml, extras);
      }
    }
    if (static_cast<size_t>(pos.next_step) < steps.size()) break;  // stopped mid-epoch (max_steps)
    meter.check("by the end of epoch " + std::to_string(pos.epoch), /*force=*/true);
    Sums tr = allreduce_sums(comm, meter.read());
    Sums va = allreduce_sums(comm, evaluate_lm(model, ses.valid, cfg.bptt));
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
    state = model.initial_state(cfg.bs, ses.device);
    meter = fresh_meter(Sums{});
    auto extras = resume_extras(comm, ses, next, state, Sums{});
    if (rank == 0) save_checkpoint(ckpt, model, *ses.opt, next.epoch, next.global_step, cfg.resolved_toml, extras);
  }
  if (cfg.save_encoder && rank == 0) save_encoder((run / "encoder.pt").string(), model);
  comm.barrier();
  spdlog::drop(log->name());
  return history;
}

}  // namespace parlance
