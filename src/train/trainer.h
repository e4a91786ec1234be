#pragma once
// The one training loop, generic over tasks (train/task.h): epochs,
// accumulation windows, the lr/momentum schedule, max_steps, periodic and
// per-epoch checkpoints, exact resume (position, every rank's RNG, running
// loss, loss scaler, the task's own state), the NaN check, progress, fault
// injection, the metrics log (a row per epoch) and the step log (the
// training loss every log_every steps). It never names a task.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "comm/communicator.h"
#include "train/schedule.h"
#include "train/task.h"
#include "train/train_session.h"

namespace spdlog {
class logger;
}

namespace parlance {

struct TrainConfig;

// A stage of training (gradual unfreezing): its epochs follow the previous
// stage's, with their own schedule from its start, a fresh optimizer state,
// `freeze_to` layer groups frozen and lr / discriminative^k per group.
struct LoopStage {
  int64_t epochs = 1, freeze_to = 0;
  double discriminative = 1.0;
  ScheduleSpec schedule;
};

struct LoopSpec {
  std::vector<LoopStage> stages{LoopStage{}};
  int64_t max_steps = 0;         // optimizer steps in all, then stop (0: no limit)
  int64_t checkpoint_every = 0;  // optimizer steps (0: at the end of each epoch only)
  int64_t log_every = 0;         // optimizer steps between rows of steps.jsonl (0: no step log)
  std::string run_dir;           // checkpoints/last.pt, metrics.jsonl, steps.jsonl (rank 0)
  std::string config_toml;       // saved with every checkpoint, and as RUN/config.toml once the run starts
  bool save_encoder = false;     // RUN/encoder.pt at the end
};
LoopSpec loop_spec(const TrainConfig& cfg);

// Called on rank 0 after each optimizer step: epoch, micro-batch in epoch,
// micro-batches in epoch, items (task.count_unit()) per second over all ranks.
using TrainProgressFn = std::function<void(int64_t epoch, int64_t step, int64_t steps, double per_s)>;

// Runs the stages' epochs of `task` through `ses`; `resume` continues from
// RUN/checkpoints/last.pt exactly where it stopped (bit for bit on CPU with
// the same rank count). Returns one row per finished epoch: epoch, (stage,
// when there are several,) train_loss, the task's columns, seconds,
// <unit>_per_s, ranks.
std::vector<MetricRow> train(Task& task, TrainSession& ses, Communicator& comm, const LoopSpec& spec, bool resume,
                             spdlog::logger* log = nullptr, const TrainProgressFn& progress = {});

}  // namespace parlance
