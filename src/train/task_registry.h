#pragma once
// Tasks by name (recipe key train.task). task_registry.cpp is the one place
// that names them: a new task is a new file plus one line there.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "train/task.h"

namespace spdlog {
class logger;
}

namespace parlance {

struct TrainConfig;

struct TaskContext {
  int rank = 0, world = 1;
  torch::Device device = torch::kCPU;
  bool resume = false;  // weights will come from a checkpoint: skip train.init
  Communicator* comm = nullptr;  // for collectives inside the model (synchronized BatchNorm)
  spdlog::logger* log = nullptr;
};

using TaskFactory = std::function<std::unique_ptr<Task>(const TrainConfig&, const TaskContext&)>;
const std::map<std::string, TaskFactory>& task_registry();
std::unique_ptr<Task> make_task(const TrainConfig& cfg, const TaskContext& ctx);  // throws UserError for unknown names

}  // namespace parlance
