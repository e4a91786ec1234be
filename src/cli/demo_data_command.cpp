#include <cstdio>

#include "cli/data_commands.h"
#include "data/human_numbers.h"
#include "comm/mpi_world.h"

namespace parlance::cli {

Command add_demo_data(CLI::App& app) {
  struct Args {
    std::string which, out;
  };
  auto a = std::make_shared<Args>();
  app.add_option("dataset", a->which, "which demo corpus")->required()->check(CLI::IsMember({"human-numbers"}));
  app.add_option("--out", a->out, "output folder")->required();
  return [a] {
    if (mpi::rank() != 0) return 0;
    write_human_numbers(a->out);
    std::printf("wrote %s/train.txt and %s/valid.txt (numbers 1..9999 in words)\n", a->out.c_str(), a->out.c_str());
    return 0;
  };
}

}  // namespace parlance::cli
