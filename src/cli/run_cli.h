#pragma once
// The body of main() that both binaries share (cli/parlance_main.cpp, the
// front, and cli/parlance_torch_main.cpp, the LibTorch half): MPI up,
// logging, argument parsing, and the one place where errors become exit
// statuses. Errors a user can fix are one line on stderr and exit status 1;
// when ranks disagree (one rank hit bad data) the failing rank stops every
// rank so no job hangs.
#include <functional>
#include <string>
#include <vector>

#include "cli/data_commands.h"

namespace parlance::cli {

struct Subcommand {
  const char* name;
  const char* help;
  Command (*add)(CLI::App&);
};

// prep, inspect, demo-data, plot: what the front binary runs itself.
const std::vector<Subcommand>& data_subcommands();

struct CliHooks {
  std::function<void(int rank)> on_start;  // after MPI is up, before parsing
  std::function<std::string()> version;    // --version's line; none without it
};

int run_cli(int argc, char** argv, const std::vector<Subcommand>& subcommands, const CliHooks& hooks);

}  // namespace parlance::cli
