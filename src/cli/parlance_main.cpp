// parlance: the command users run. Loading LibTorch costs a process over a
// second (Debian's LibTorch pulls in ~300 shared libraries and registers its
// operators at start-up), and prep, inspect, demo-data and plot never touch
// it: this binary runs those itself and hands every other command line
// (train, eval, …, --help, --version) unchanged to parlance-torch beside it,
// replacing itself before MPI starts, so mpirun and SLURM see one process.
// Before it does, it makes sure OpenBLAS will not run its oldest kernels on
// a CPU it does not know (util/openblas_kernels.h).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/run_cli.h"
#include "util/openblas_kernels.h"

namespace {

bool runs_here(int argc, char** argv) {
  if (argc < 2) return false;
  for (const auto& s : parlance::cli::data_subcommands())
    if (std::strcmp(argv[1], s.name) == 0) return true;
  return false;
}

[[noreturn]] void hand_over(char** argv) {
  parlance::choose_openblas_kernels();  // before parlance-torch loads OpenBLAS
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string torch_bin = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "parlance-torch";
  execv(torch_bin.c_str(), argv);
  std::fprintf(stderr, "parlance: error: cannot run %s: %s (it is built beside parlance: run scripts/build)\n",
               torch_bin.c_str(), std::strerror(errno));
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (!runs_here(argc, argv)) hand_over(argv);
  return parlance::cli::run_cli(argc, argv, parlance::cli::data_subcommands(), {});
}
