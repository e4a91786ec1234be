#include "train/trainer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "comm/mpi_world.h"
#include "train/checkpoint.h"
#include "train/metrics_log.h"
#include "train/preemption.h"
#include "train/train_config.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

using Clock = std::chrono::steady_clock;

// Fault injection for the "one rank fails, every rank exits" test:
// PARLANCE_FAIL_RANK=r PARLANCE_FAIL_STEP=s makes rank r throw at step s
// (after its backward pass, outside any collective); with
// PARLANCE_FAIL_HOW=stop it stops itself there instead (SIGSTOP), the way a
// hung peer looks to the others.
void fail_if_asked(int rank, int64_t step) {
  static const char* r = std::getenv("PARLANCE_FAIL_RANK");
  static const char* s = std::getenv("PARLANCE_FAIL_STEP");
  static const char* how = std::getenv("PARLANCE_FAIL_HOW");
  if (!r || !s || std::atoi(r) != rank || std::atoll(s) != step) return;
  if (how && std::string(how) == "stop") {
    std::raise(SIGSTOP);
    return;
  }
  throw std::runtime_error("injected failure (PARLANCE_FAIL_RANK=" + std::string(r) + ", step " + std::to_string(step) + ")");
}

at::Generator default_generator(torch::Device device) { return at::globalContext().defaultGenerator(device); }

// Where training stands; with the weights, the optimizer and the task's state
// this is all a resumed run needs to continue bit for bit.
struct Position {
  int64_t epoch = 0, next_step = 0, global_step = 0;
};

// The running training loss, summed on the device: reading it is a host sync,
// so on CUDA it is read (and checked) every few steps only.
class LossMeter {
 public:
  LossMeter(torch::Device device, double sum, double count)
      : sum_(torch::full({}, sum, torch::TensorOptions().dtype(torch::kFloat64).device(device))),
        count_(count),
        check_every_(device.is_cuda() ? 20 : 1) {}
  void add(const StepLoss& l) {
    sum_.add_(l.sum.to(torch::kFloat64));
    count_ += static_cast<double>(l.count);
  }
  double sum() const { return sum_.item<double>(); }
  double count() const { return count_; }
  // Throws UserError once the loss stopped being finite.
  void check(const Position& pos, bool force = false) {
    if (!force && ++since_check_ < check_every_) return;
    since_check_ = 0;
    const double v = sum();
    if (!std::isfinite(v))
      throw UserError("the training loss became " + std::to_string(v) + " by epoch " + std::to_string(pos.epoch) +
                      ", step " + std::to_string(pos.next_step) +
                      ": the recipe diverged (try a lower train.lr, gradient clipping with train.clip, or "
                      "train.precision = \"bf16\" instead of fp16)");
  }

 private:
  torch::Tensor sum_;
  double count_;
  int64_t since_check_ = 0, check_every_;
};

// RUN/steps.jsonl on rank 0: every `every` optimizer steps (and at each
// epoch's end) the mean training loss of this rank's micro-batches since the
// previous row, with the step, the epochs done (fractional) and the lr — what
// fastai's recorder plots per batch. Reading the loss is one host sync per row.
class StepLog {
 public:
  StepLog() = default;
  StepLog(const std::string& jsonl, int64_t every, const LossMeter& meter)
      : log_(jsonl, {}, nullptr), every_(every), sum_(meter.sum()), count_(meter.count()) {}
  void after_step(const Position& pos, int64_t steps, double lr, const LossMeter& meter) {
    if (every_ <= 0 || (pos.global_step % every_ != 0 && pos.next_step != steps)) return;
    const double sum = meter.sum(), count = meter.count();
    if (count > count_)
      log_.add({{"step", static_cast<double>(pos.global_step)},
                {"epoch", static_cast<double>(pos.epoch) + static_cast<double>(pos.next_step) / static_cast<double>(steps)},
                {"train_loss", (sum - sum_) / (count - count_)},
                {"lr", lr}});
    sum_ = sum, count_ = count;
  }
  void new_epoch() { sum_ = count_ = 0; }  // the loop's meter starts from zero

 private:
  MetricsLog log_;
  int64_t every_ = 0;
  double sum_ = 0, count_ = 0;
};

ResumeState loop_state(Communicator& comm, TrainSession& ses, Task& task, const Position& pos, const LossMeter& meter) {
  ResumeState x = task.save_state(comm);
  x["position"] = torch::tensor({pos.epoch, pos.next_step, pos.global_step, static_cast<int64_t>(comm.size())});
  x["rng"] = gather_on_host(comm, default_generator(torch::kCPU).get_state());
  if (ses.device().is_cuda()) x["rng_device"] = gather_on_host(comm, default_generator(ses.device()).get_state());
  x["sums"] = gather_on_host(comm, torch::tensor({meter.sum(), meter.count()}, torch::kFloat64));
  x["loss_scaler"] = ses.scaler().state();
  return x;
}

class Checkpointer {
 public:
  Checkpointer(const LoopSpec& spec, const Task& task, int rank)
      : path_((fs::path(spec.run_dir) / "checkpoints" / "last.pt").string()), rank_(rank) {
    info_.config_toml = spec.config_toml;
    if (rank == 0) info_.card = task.dataset_card().serialize();
  }
  const std::string& path() const { return path_; }
  const std::string& card() const { return info_.card; }
  // Collective: every rank contributes its state, rank 0 writes.
  void save(Communicator& comm, TrainSession& ses, Task& task, const Position& pos, const LossMeter& meter) {
    ResumeState x = loop_state(comm, ses, task, pos, meter);
    if (rank_ != 0) return;
    info_.epoch = pos.epoch;
    info_.step = pos.global_step;
    save_checkpoint(path_, ses.model(), ses.optimizer(), info_, x);
  }

 private:
  std::string path_;
  int rank_;
  CheckpointInfo info_;
};

// Loads the checkpoint into the session; returns the position and the
// running loss sums of this rank, and (written_by) the rank count that wrote
// it. The task's state is restored only mid-epoch: at an epoch's step 0,
// begin_epoch() alone determines it, which is why a checkpoint at an epoch
// boundary resumes with any number of ranks (elastic), while one from inside
// an epoch needs the same count (each rank's share of the epoch — the LM's
// streams, a batch slice — is cut for that count).
Position resume_from(const std::string& ckpt, Communicator& comm, TrainSession& ses, Task& task, double& sum,
                     double& count, int64_t& written_by) {
  const int rank = comm.rank(), world = comm.size();
  std::vector<std::string> names = {"position", "rng", "sums"};
  for (const auto& n : task.state_names()) names.push_back(n);
  if (ses.device().is_cuda()) names.push_back("rng_device");
  if (ses.scaler().enabled()) names.push_back("loss_scaler");
  ResumeState x;  // every rank reads the same file: a damaged or mismatched one is an error all agree on
  mpi::collectively([&] { x = restore_checkpoint(ckpt, ses.model(), ses.optimizer(), names, task.dataset_card()); });
  auto p = x["position"];
  written_by = p[3].item<int64_t>();
  if (written_by != world && p[1].item<int64_t>() != 0)
    throw AgreedError(ckpt + ": written by " + std::to_string(written_by) + " ranks in the middle of epoch " +
                      std::to_string(p[0].item<int64_t>()) + "; resume it with " + std::to_string(written_by) +
                      " ranks (" + std::to_string(world) + " now). A checkpoint from an epoch's end resumes with any number");
  // A rank the writing job did not have keeps the dropout seed the session gave it.
  auto restore_rng = [&](torch::Device d, const torch::Tensor& all) {
    if (rank >= written_by) return;
    at::Generator gen = default_generator(d);
    std::lock_guard<std::mutex> lock(gen.mutex());
    // clone(): a row of the gathered states is a view at a byte offset, and
    // LibTorch 2.x's CPU generator reads its state at storage_offset counted
    // in whole states, not bytes (on the GPU machine's 2.11 every rank but 0
    // read far past the tensor and crashed in --resume); a fresh tensor has
    // offset 0 in every version.
    gen.set_state(all[rank].cpu().clone());
  };
  restore_rng(torch::kCPU, x["rng"]);
  if (ses.device().is_cuda()) restore_rng(ses.device(), x["rng_device"]);
  if (ses.scaler().enabled()) ses.scaler().load_state(x["loss_scaler"]);
  Position pos{p[0].item<int64_t>(), p[1].item<int64_t>(), p[2].item<int64_t>()};
  task.begin_epoch(pos.epoch);
  if (pos.next_step > 0) task.restore_state(x, rank);
  sum = rank < written_by ? x["sums"][rank][0].item<double>() : 0.0;
  count = rank < written_by ? x["sums"][rank][1].item<double>() : 0.0;
  return pos;
}

// Where each stage starts and how long its schedule runs. A schedule spans
// the stage's epochs times its longest epoch in optimizer steps (the LM's
// epochs differ by a step or two with variable BPTT).
struct StageSteps {
  int64_t first_epoch = 0, first_step = 0, steps_per_epoch = 0, total_steps = 1;
};

// Optimizer steps of epoch `e`: its micro-batches in windows of `accumulate`.
int64_t optimizer_steps(const Task& task, int64_t e, int64_t accumulate) {
  return (task.steps_in_epoch(e) + accumulate - 1) / accumulate;
}

std::vector<StageSteps> plan_stages(const LoopSpec& spec, const Task& task, int64_t accumulate) {
  if (spec.stages.empty()) throw UserError("training needs at least one stage");
  std::vector<StageSteps> out;
  int64_t epoch = 0, step = 0;
  for (const LoopStage& st : spec.stages) {
    StageSteps s{epoch, step, 0, 1};
    for (int64_t e = epoch; e < epoch + st.epochs; ++e) {
      const int64_t n = optimizer_steps(task, e, accumulate);
      s.steps_per_epoch = std::max(s.steps_per_epoch, n);
      step += n;
    }
    s.total_steps = std::max<int64_t>(s.steps_per_epoch * st.epochs, 1);
    epoch += st.epochs;
    out.push_back(s);
  }
  return out;
}

// Optimizer steps of the epochs before `epoch` (a resume with another rank
// count places the schedule there: the steps per epoch changed with it).
int64_t steps_before(const Task& task, int64_t epoch, int64_t accumulate) {
  int64_t n = 0;
  for (int64_t e = 0; e < epoch; ++e) n += optimizer_steps(task, e, accumulate);
  return n;
}

size_t stage_of(const std::vector<StageSteps>& stages, int64_t epoch) {
  size_t k = 0;
  while (k + 1 < stages.size() && stages[k + 1].first_epoch <= epoch) ++k;
  return k;
}

}  // namespace

LoopSpec loop_spec(const TrainConfig& cfg) {
  LoopSpec s;
  s.stages.clear();
  for (const StageSpec& st : cfg.stages) {
    LoopStage ls{st.epochs, st.freeze_to, st.discriminative, cfg.schedule};
    ls.schedule.lr_max = st.lr;
    s.stages.push_back(ls);
  }
  s.max_steps = cfg.max_steps;
  s.checkpoint_every = cfg.checkpoint_every;
  s.log_every = cfg.log_every;
  s.run_dir = cfg.run_dir;
  s.config_toml = cfg.resolved_toml;
  s.save_encoder = cfg.save_encoder;
  return s;
}

std::vector<MetricRow> train(Task& task, TrainSession& ses, Communicator& comm, const LoopSpec& spec, bool resume,
                             spdlog::logger* log, const TrainProgressFn& progress) {
  const int rank = comm.rank(), world = comm.size();
  const int64_t accumulate = ses.accumulate();
  c10::OptionalDeviceGuard device_guard;
  if (ses.device().is_cuda()) device_guard.reset_device(ses.device());
  if (rank == 0) create_output_folder((fs::path(spec.run_dir) / "checkpoints").string(), "the checkpoint folder");
  Checkpointer ckpt(spec, task, rank);

  const std::vector<StageSteps> stages = plan_stages(spec, task, accumulate);
  const int64_t epochs = stages.back().first_epoch + spec.stages.back().epochs;

  Position pos;
  double start_sum = 0, start_count = 0;
  bool epoch_begun = false;
  if (resume) {
    int64_t written_by = world;
    pos = resume_from(ckpt.path(), comm, ses, task, start_sum, start_count, written_by);
    epoch_begun = true;
    if (rank == 0)
      std::printf("resuming %s at epoch %lld, step %lld\n", ckpt.path().c_str(), static_cast<long long>(pos.epoch),
                  static_cast<long long>(pos.next_step));
    if (written_by != world) {
      pos.global_step = steps_before(task, pos.epoch, accumulate);
      if (rank == 0)
        std::printf("the checkpoint was written by %lld rank(s); training goes on with %d from this epoch boundary "
                    "(global batch %d x bs; the schedule resumes at step %lld of the plan for %d rank(s))\n",
                    static_cast<long long>(written_by), world, world, static_cast<long long>(pos.global_step), world);
    }
  }
  // The recipe goes into the run folder only once the run is sure to start
  // (a refused resume leaves the folder as it was).
  if (rank == 0 && !spec.config_toml.empty())
    write_file_atomically((fs::path(spec.run_dir) / "config.toml").string(), spec.config_toml);
  LossMeter meter(ses.device(), start_sum, start_count);
  // Items of the resumed epoch trained before the checkpoint (all ranks): its
  // row reports the time and throughput of this process only.
  double counted_before = resume ? sum_over_ranks(comm, {start_count})[0] : 0;
  MetricsLog metrics;
  StepLog step_log;
  if (rank == 0) {
    metrics = MetricsLog((fs::path(spec.run_dir) / "metrics.jsonl").string(), {task.count_unit() + "_per_s", "ranks"});
    if (spec.log_every > 0) step_log = StepLog((fs::path(spec.run_dir) / "steps.jsonl").string(), spec.log_every, meter);
  }

  std::vector<MetricRow> history;
  PreemptionGuard preemption;  // SIGTERM/SIGUSR1/SIGINT: checkpoint at the next step boundary, then stop
  bool stop = false, preempted = false;
  int64_t entered = -1;  // the stage the session is in
  for (; pos.epoch < epochs && !stop; ++pos.epoch, pos.next_step = 0) {
    const auto t0 = Clock::now();
    const size_t k = stage_of(stages, pos.epoch);
    const LoopStage& stage = spec.stages[k];
    const StageSteps& plan = stages[k];
    if (static_cast<int64_t>(k) != entered) {
      // At a stage's very start the optimizer begins afresh (also when a
      // resume lands there); a resume mid-stage keeps the restored state.
      ses.enter_stage(stage.freeze_to, stage.discriminative, pos.epoch == plan.first_epoch && pos.next_step == 0);
      entered = static_cast<int64_t>(k);
      if (log && spec.stages.size() > 1)
        log->info("stage {}: {} layer groups frozen, lr {}", k, ses.frozen_groups(), stage.schedule.lr_max);
    }
    if (!epoch_begun) task.begin_epoch(pos.epoch);
    epoch_begun = false;
    ses.model().train();
    const int64_t steps = task.steps_in_epoch(pos.epoch);
    while (pos.next_step < steps && !stop) {
      const int64_t i = pos.next_step;
      const bool sync = (i + 1) % accumulate == 0 || i + 1 == steps;
      const int64_t in_stage = std::min(pos.global_step - plan.first_step, plan.total_steps - 1);
      auto sv = schedule_at(stage.schedule, in_stage, plan.total_steps, plan.steps_per_epoch);
      ses.set_hyper(sv.lr * task.lr_factor(i), sv.mom);
      StepLoss loss;
      {
        auto autocast = ses.autocast();
        loss = task.step(i);
      }
      ses.backward(loss.objective, sync);
      fail_if_asked(rank, pos.global_step);
      meter.add(loss);
      meter.check(pos);
      ++pos.next_step;
      if (!sync) continue;
      if (!ses.optimizer_step() && log)
        log->warn("fp16 gradients overflowed: step {} skipped, loss scale now {}", pos.global_step, ses.scaler().scale());
      ++pos.global_step;
      if (rank == 0) step_log.after_step(pos, steps, sv.lr * task.lr_factor(i), meter);
      if (progress && rank == 0) {
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        progress(pos.epoch, pos.next_step, steps, meter.count() * world / std::max(secs, 1e-9));
      }
      if (spec.max_steps > 0 && pos.global_step >= spec.max_steps) stop = true;
      if (agree_to_stop()) stop = preempted = true;  // mid-epoch: the checkpoint below; last step: the epoch's own
      const bool last_of_epoch = pos.next_step == steps;
      if (!last_of_epoch && (stop || (spec.checkpoint_every > 0 && pos.global_step % spec.checkpoint_every == 0)))
        ckpt.save(comm, ses, task, pos, meter);
    }
    if (pos.next_step < steps) break;  // stopped mid-epoch (max_steps)
    meter.check(pos, /*force=*/true);
    const auto train = sum_over_ranks(comm, {meter.sum(), meter.count()});
    const double train_sum = train[0], train_count = train[1];
    MetricRow row{{"epoch", static_cast<double>(pos.epoch)}};
    if (spec.stages.size() > 1) row.push_back({"stage", static_cast<double>(k)});
    row.push_back({"train_loss", train_sum / std::max(train_count, 1.0)});
    ses.model().eval();  // the Task contract: evaluate() runs in eval mode (no dropout)
    for (const auto& col : task.evaluate(comm)) row.push_back(col);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    row.push_back({"seconds", seconds});
    row.push_back({task.count_unit() + "_per_s", (train_count - counted_before) / seconds});
    counted_before = 0;
    row.push_back({"ranks", static_cast<double>(world)});
    history.push_back(row);
    if (log) {
      std::string line;
      for (const auto& [k, v] : row) line += fmt::format("{} {:.6g} ", k, v);
      log->info("{}", line);
    }
    metrics.add(row);
    // The next epoch starts at its step 0 with nothing summed: checkpoint that position.
    meter = LossMeter(ses.device(), 0, 0);
    step_log.new_epoch();
    ckpt.save(comm, ses, task, Position{pos.epoch + 1, 0, pos.global_step}, meter);
  }
  if (preempted) {
    const std::string sig = received_signal();
    const std::string what = "stopped by " + (sig.empty() ? std::string("a stop signal to another rank") : sig) +
                             " at epoch " + std::to_string(pos.epoch - (pos.next_step == 0 ? 1 : 0)) + ", step " +
                             std::to_string(pos.global_step) + "; checkpoint " + ckpt.path() +
                             " written: continue with --resume (or --auto-resume)";
    if (log) log->warn("{}", what);
    comm.barrier();
    throw Preempted(what);
  }
  if (pos.next_step > 0) {
    // max_steps ended the run inside an epoch (a preemption threw above): the
    // epoch has no metrics row, which a smoke run's user would otherwise be
    // left to wonder about.
    const std::string what = fmt::format(
        "stopped after train.max_steps = {} optimizer steps, {} batches into epoch {}: a partial epoch gets no metrics "
        "row; checkpoint {} written (continue with --resume and a larger train.max_steps)",
        spec.max_steps, pos.next_step, pos.epoch, ckpt.path());
    if (log) log->info("{}", what);
    if (rank == 0) std::printf("%s\n", what.c_str());
  }
  if (spec.save_encoder && rank == 0) save_encoder((fs::path(spec.run_dir) / "encoder.pt").string(), ses.model(), ckpt.card());
  comm.barrier();
  return history;
}

}  // namespace parlance
