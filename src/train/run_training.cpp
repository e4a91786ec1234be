#include "train/run_training.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "train/task_registry.h"
#include "util/atomic_file.h"
#include "util/openblas_kernels.h"

namespace fs = std::filesystem;

namespace parlance {

OpenedTraining open_training(const TrainConfig& cfg, Communicator& comm, torch::Device device, bool resume,
                             spdlog::logger* log) {
  torch::set_num_threads(static_cast<int>(cfg.threads));
  TaskContext ctx{comm.rank(), comm.size(), device, resume, &comm, log};
  OpenedTraining t;
  t.task = make_task(cfg, ctx);
  t.session = std::make_unique<TrainSession>(comm, t.task->model(), ctx.device, session_options(cfg));
  return t;
}

TrainingResult run_training(const TrainConfig& cfg, Communicator& comm, torch::Device device, bool resume,
                            const TrainProgressFn& progress) {
  const int rank = comm.rank();
  const fs::path run = cfg.run_dir;
  if (rank == 0) {
    create_output_folder(run.string(), "the run folder");
    create_output_folder((run / "log").string(), "the run's log folder");
  }
  comm.barrier();
  // Appended to, never truncated: a fresh run starts in a folder without a run
  // (the train command refuses otherwise), and a failed resume keeps the log.
  auto log = spdlog::basic_logger_mt("train-rank" + std::to_string(rank),
                                     (run / "log" / ("rank" + std::to_string(rank) + ".log")).string(), false);
  log->set_pattern("[%H:%M:%S.%e] [rank " + std::to_string(rank) + "] %l %v");
  log->flush_on(spdlog::level::info);  // a killed or aborted rank still leaves its log on disk
  // CPU speed depends on it (util/openblas_kernels.h): said where a slow run is looked into.
  if (const std::string blas = openblas_kernels_in_use(); !blas.empty()) log->info("{}", blas);
  OpenedTraining t = open_training(cfg, comm, device, resume, log.get());
  TrainingResult r;
  r.history = train(*t.task, *t.session, comm, loop_spec(cfg), resume, log.get(), progress);
  r.report = t.task->report();
  if (rank == 0 && !r.history.empty() && !r.report.empty()) {
    write_file_atomically((run / "valid_report.txt").string(), r.report);
    log->info("validation report:\n{}", r.report);
  }
  if (rank == 0 && !r.history.empty()) {
    const std::string svg = t.task->report_svg();
    if (!svg.empty()) write_file_atomically((run / "valid_report.svg").string(), svg);
  }
  spdlog::drop(log->name());
  return r;
}

}  // namespace parlance
