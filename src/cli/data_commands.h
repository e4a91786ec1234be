#pragma once
// The subcommands that work on data and run logs only: they need neither
// LibTorch nor a device, so the `parlance` front binary runs them itself and
// starts in a fraction of a second (cli/parlance_main.cpp; the list of them is
// data_subcommands() in cli/run_cli.h).
#include <CLI/CLI.hpp>
#include <functional>

namespace parlance::cli {

using Command = std::function<int()>;

Command add_prep(CLI::App& app);
Command add_inspect(CLI::App& app);
Command add_demo_data(CLI::App& app);
Command add_plot(CLI::App& app);

}  // namespace parlance::cli
