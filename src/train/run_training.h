#pragma once
// A recipe turned into a training run: the task it names (task_registry.h)
// on its device, a session around the task's model, and — for `parlance
// train` — the run folder and the loop. `parlance lr-find` opens the same
// pair and sweeps instead of training.
#include <memory>
#include <vector>

#include "comm/communicator.h"
#include "train/task.h"
#include "train/train_config.h"
#include "train/train_session.h"
#include "train/trainer.h"

namespace parlance {

struct OpenedTraining {
  std::unique_ptr<Task> task;
  std::unique_ptr<TrainSession> session;
};
// `device`: where this rank trains (device_choice.h).
OpenedTraining open_training(const TrainConfig& cfg, Communicator& comm, torch::Device device, bool resume,
                             spdlog::logger* log = nullptr);

struct TrainingResult {
  std::vector<MetricRow> history;  // one row per epoch trained by this call
  std::string report;              // the task's report of the last evaluation ("" for none)
};

// `parlance train`: writes RUN/config.toml, logs to RUN/log/rankN.log, trains;
// rank 0 also writes the task's report to RUN/valid_report.txt (and its
// picture, if it has one, to RUN/valid_report.svg).
TrainingResult run_training(const TrainConfig& cfg, Communicator& comm, torch::Device device, bool resume = false,
                            const TrainProgressFn& progress = {});

}  // namespace parlance
