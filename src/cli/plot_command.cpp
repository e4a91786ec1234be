// parlance plot: training curves of one or more runs as one SVG picture.
#include <cstdio>
#include <filesystem>

#include "cli/data_commands.h"
#include "comm/mpi_world.h"
#include "plot/line_chart.h"
#include "plot/training_curves.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace parlance::cli {

Command add_plot(CLI::App& app) {
  struct Args {
    std::vector<std::string> runs;
    std::string out;
    int columns = 2;
  };
  auto a = std::make_shared<Args>();
  app.add_option("run", a->runs, "run folder(s); several are overlaid, each in its own colour")->required();
  app.add_option("--out", a->out, "SVG file to write (default with one run: RUN/curves.svg)");
  app.add_option("--columns", a->columns, "panels per row")->check(CLI::Range(1, 8));
  return [a] {
    if (mpi::rank() != 0) return 0;
    if (a->out.empty()) {
      if (a->runs.size() > 1) throw UserError("plot: several runs need --out FILE.svg");
      a->out = (std::filesystem::path(a->runs[0]) / "curves.svg").string();
    }
    check_output_file(a->out, "--out");
    std::vector<RunHistory> runs;
    size_t epochs = 0;
    for (const auto& r : a->runs) {
      runs.push_back(read_run_history(r));
      epochs += runs.back().epochs.size();
    }
    const std::vector<Panel> panels = training_panels(runs);
    write_file_atomically(a->out, chart_svg(panels, a->columns));
    std::printf("wrote %s: %zu panel%s, %zu run%s, %zu epoch rows\n", a->out.c_str(), panels.size(),
                panels.size() == 1 ? "" : "s", runs.size(), runs.size() == 1 ? "" : "s", epochs);
    return 0;
  };
}

}  // namespace parlance::cli
