#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "util/error.h"
#include "comm/collective_watchdog.h"
#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "train/device_choice.h"
#include "train/lr_finder.h"
#include "train/run_training.h"
#include "train/train_config.h"
#include "util/atomic_file.h"

namespace parlance::cli {
namespace {

namespace fs = std::filesystem;

// The recipe argument and its overrides, shared by train and lr-find.
struct RecipeArgs {
  std::string config, data, run;
  std::vector<std::string> sets;

  void add_to(CLI::App& app, const char* run_help) {
    app.add_option("config", config, "recipe (TOML) with [model] and [train] sections")->required();
    app.add_option("--set", sets, "override a recipe key: section.key=value (repeatable)");
    app.add_option("--data", data, "prepared dataset (.h5); overrides train.data");
    app.add_option("--run", run, run_help);
  }

  // The recipe with --set, --data and --run applied; every rank reads the same
  // files, so a bad recipe is an error all ranks agree on.
  TrainConfig load() const {
    try {
      std::vector<std::string> all = sets;
      if (!data.empty()) all.push_back("train.data=" + data);
      if (!run.empty()) all.push_back("train.run=" + run);
      TrainConfig cfg = train_config_from(Config::load(config, all, train_schema()));
      if (cfg.run_dir.empty()) cfg.run_dir = "runs/" + std::filesystem::path(config).stem().string();
      if (!std::filesystem::exists(cfg.data))
        throw UserError(cfg.data + ": no such prepared dataset (run parlance prep first)");
      check_device_request(cfg);
      return cfg;
    } catch (const UserError& e) {
      throw AgreedError(e.what());
    }
  }
};

// What a run folder holds once training has started in it.
bool holds_a_run(const fs::path& run) {
  return fs::exists(run / "checkpoints" / "last.pt") || fs::exists(run / "metrics.jsonl");
}

// --overwrite: what training writes into a run folder goes (rank 0), nothing else.
void clear_run(const fs::path& run) {
  for (const char* f : {"metrics.jsonl", "steps.jsonl", "config.toml", "valid_report.txt", "valid_report.svg",
                        "curves.svg", "encoder.pt", "encoder.pt.xxh64", "checkpoints", "log"})
    fs::remove_all(run / f);
}

// Decides fresh vs resume before anything in the run folder is written; all
// ranks see the same folder, so a refusal is an error they agree on.
bool resume_decision(const TrainConfig& cfg, bool resume, bool auto_resume, bool overwrite) {
  const fs::path run = cfg.run_dir, last = run / "checkpoints" / "last.pt";
  if (static_cast<int>(resume) + static_cast<int>(auto_resume) + static_cast<int>(overwrite) > 1)
    throw AgreedError("train: give one of --resume, --auto-resume and --overwrite");
  if (fs::exists(run) && !fs::is_directory(run))
    throw AgreedError(run.string() + ": exists and is not a folder (train.run or --run names the run folder)");
  if (auto_resume) return fs::exists(last);
  if (resume && !fs::exists(last))
    throw AgreedError(last.string() + ": no checkpoint to resume from (--auto-resume starts fresh when there is none)");
  if (!resume && !overwrite && holds_a_run(run))
    throw AgreedError(run.string() + ": already holds a run (checkpoints/last.pt or metrics.jsonl); continue it with "
                      "--resume (or --auto-resume), or start over with --overwrite");
  return resume;
}

// Where this rank trains and the communicator its gradients take (collective);
// rank 0 says so when the rule chose other than what was asked.
struct TrainingPlace {
  torch::Device device = torch::kCPU;
  std::unique_ptr<Communicator> comm;
};
TrainingPlace training_place(const TrainConfig& cfg) {
  DeviceChoice choice;
  mpi::collectively([&] { choice = choose_device(cfg, this_node()); });
  if (mpi::rank() == 0 && !choice.note.empty()) std::printf("%s\n", choice.note.c_str());
  return {choice.device, make_communicator(choice.backend)};
}

}  // namespace

Command add_train(CLI::App& app) {
  struct Args {
    RecipeArgs recipe;
    bool resume = false, auto_resume = false, overwrite = false;
  };
  auto a = std::make_shared<Args>();
  a->recipe.add_to(app, "run folder; overrides train.run");
  app.add_flag("--resume", a->resume, "continue from RUN/checkpoints/last.pt (same recipe; same rank count, unless it was written at an epoch's end)");
  app.add_flag("--auto-resume", a->auto_resume,
               "continue from RUN/checkpoints/last.pt when it exists, else start fresh (for job scripts that requeue)");
  app.add_flag("--overwrite", a->overwrite, "start over in a run folder that holds a run (its metrics, logs and checkpoints go)");
  return [a] {
    TrainConfig cfg = a->recipe.load();
    start_collective_watchdog(cfg.collective_timeout);
    const bool resume = resume_decision(cfg, a->resume, a->auto_resume, a->overwrite);
    if (a->overwrite && mpi::rank() == 0) clear_run(cfg.run_dir);
    mpi::barrier();
    TrainingPlace place = training_place(cfg);
    auto& comm = place.comm;
    if (comm->rank() == 0)
      std::printf("training %s (%s) on %s with %d rank(s), device %s, backend %s, bs %lld per rank\n", cfg.task.c_str(),
                  cfg.model.arch.c_str(), cfg.data.c_str(), comm->size(), place.device.str().c_str(),
                  comm->backend().c_str(), static_cast<long long>(cfg.bs));
    std::unique_ptr<ProgressBar> bar;
    int64_t bar_epoch = -1;
    auto progress = [&](int64_t epoch, int64_t step, int64_t steps, double per_s) {
      if (epoch != bar_epoch) bar = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch)), bar_epoch = epoch;
      if (!bar->due(static_cast<uint64_t>(step), static_cast<uint64_t>(steps))) return;  // formats only what is drawn
      char detail[64];
      std::snprintf(detail, sizeof detail, "%lld/%lld steps %.0f/s", static_cast<long long>(step),
                    static_cast<long long>(steps), per_s);
      bar->update(static_cast<uint64_t>(step), static_cast<uint64_t>(steps), detail);
      if (step == steps) bar->finish();
    };
    TrainingResult r = run_training(cfg, *comm, place.device, resume, progress);
    if (comm->rank() == 0 && !r.report.empty() && !r.history.empty()) std::printf("\n%s\n", r.report.c_str());
    if (comm->rank() == 0) std::printf("run folder: %s\n", cfg.run_dir.c_str());
    return 0;
  };
}

Command add_lr_find(CLI::App& app) {
  struct Args {
    RecipeArgs recipe;
    double start = 1e-7, end = 10;
    int64_t iters = 100;
  };
  auto a = std::make_shared<Args>();
  a->recipe.add_to(app, "folder for lr_find.csv and lr_find.svg; overrides train.run");
  app.add_option("--start", a->start, "first learning rate");
  app.add_option("--end", a->end, "last learning rate");
  app.add_option("--iters", a->iters, "steps of the sweep")->check(CLI::Range(int64_t{2}, int64_t{1000000}));
  return [a] {
    TrainConfig cfg = a->recipe.load();
    cfg.accumulate = 1;  // the sweep steps after every micro-batch
    start_collective_watchdog(cfg.collective_timeout);
    // Before the sweep, not after it: a folder that cannot be made wastes no run.
    if (mpi::rank() == 0) create_output_folder(cfg.run_dir, "the lr-find folder");
    TrainingPlace place = training_place(cfg);
    auto& comm = place.comm;
    OpenedTraining t = open_training(cfg, *comm, place.device, /*resume=*/false);
    auto pts = lr_find(*t.task, *t.session, *comm, a->start, a->end, a->iters);
    if (comm->rank() == 0) {
      write_lr_find(cfg.run_dir, pts);
      const LrSuggestion s = suggest_lr(pts);
      std::printf("lr-find: %zu steps; minimum smoothed loss %.4f at lr %.2e (minimum / 10: %.2e); "
                  "steepest descent at lr %.2e (suggested)\nwrote %s/lr_find.csv and lr_find.svg\n",
                  pts.size(), pts[s.minimum].smoothed_loss, pts[s.minimum].lr, pts[s.minimum].lr / 10, pts[s.steepest].lr,
                  cfg.run_dir.c_str());
    }
    return 0;
  };
}

}  // namespace parlance::cli
