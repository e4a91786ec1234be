#include "train/task_registry.h"

#include "classifier/classifier_task.h"
#include "lm/language_model_task.h"
#include "translator/translator_task.h"
#include "util/registry.h"

namespace parlance {

const std::map<std::string, TaskFactory>& task_registry() {
  static const std::map<std::string, TaskFactory> registry = {
      {"language_model",
       [](const TrainConfig& cfg, const TaskContext& c) {
         return std::make_unique<LanguageModelTask>(cfg, c.rank, c.world, c.device, c.resume, c.log);
       }},
      {"classifier",
       [](const TrainConfig& cfg, const TaskContext& c) { return std::make_unique<ClassifierTask>(cfg, c); }},
      {"translator",
       [](const TrainConfig& cfg, const TaskContext& c) { return std::make_unique<TranslatorTask>(cfg, c); }},
  };
  return registry;
}

std::unique_ptr<Task> make_task(const TrainConfig& cfg, const TaskContext& ctx) {
  return registry_find(task_registry(), cfg.task, "train.task")(cfg, ctx);
}

}  // namespace parlance
