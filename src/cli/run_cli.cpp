#include "cli/run_cli.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>
#include <map>

#include "comm/mpi_world.h"
#include "train/preemption.h"  // the exception type only (no LibTorch)
#include "util/error.h"

namespace parlance::cli {

const std::vector<Subcommand>& data_subcommands() {
  static const std::vector<Subcommand> kData = {
      {"prep", "tokenize a corpus into a prepared HDF5 dataset (run under mpirun for N ranks)", add_prep},
      {"inspect", "summarize a prepared dataset and decode some of it", add_inspect},
      {"demo-data", "generate the embedded demo corpus", add_demo_data},
      {"plot", "training curves of one or more runs (loss per step and epoch, every metric) as SVG", add_plot},
  };
  return kData;
}

namespace {

int run_parsed(const std::map<CLI::App*, Command>& commands, int rank) {
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
  } catch (const Preempted& e) {  // every rank stopped at the same step after the checkpoint
    if (rank == 0) std::fprintf(stderr, "parlance: %s\n", e.what());
    return kExitPreempted;
  } catch (const AgreedError& e) {
    if (rank == 0) std::fprintf(stderr, "parlance: error: %s\n", e.what());
    return 1;
  } catch (const UserError& e) {
    std::fprintf(stderr, "parlance: error: %s\n", e.what());
    std::fflush(stderr);
    mpi::abort_all(1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parlance: internal error on rank %d: %s\n", rank, e.what());
    std::fflush(stderr);
    mpi::abort_all(2);
  }
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv, const std::vector<Subcommand>& subcommands, const CliHooks& hooks) {
  mpi::World world(&argc, &argv);
  const int rank = mpi::rank();
  if (hooks.on_start) hooks.on_start(rank);
  spdlog::set_pattern("[%H:%M:%S] [rank " + std::to_string(rank) + "] %^%l%$ %v");

  CLI::App app{"parlance: data-parallel ULMFiT-family NLP training"};
  app.require_subcommand(1);
  if (hooks.version) app.set_version_flag("--version", hooks.version);
  std::map<CLI::App*, Command> commands;
  for (const auto& s : subcommands) {
    CLI::App* sub = app.add_subcommand(s.name, s.help);
    commands[sub] = s.add(*sub);
  }
  const auto known = [&](const char* name) {
    for (const auto& s : subcommands)
      if (std::strcmp(s.name, name) == 0) return true;
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !known(argv[1])) {  // CLI11 would ask for "a subcommand"
    if (rank == 0) std::fprintf(stderr, "parlance: error: no command \"%s\" (parlance --help lists them)\n", argv[1]);
    return 1;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return rank == 0 ? app.exit(e) : 0;  // --help, --version
    // A command line mistake is a user error like any other: one line, status 1.
    if (rank == 0) {
      const auto subs = app.get_subcommands();
      const std::string help = "parlance" + (subs.empty() ? std::string() : " " + subs.front()->get_name()) + " --help";
      std::fprintf(stderr, "parlance: error: %s (%s lists the options)\n", e.what(), help.c_str());
    }
    return 1;
  }
  return run_parsed(commands, rank);
}

}  // namespace parlance::cli
