// Where eval, predict and translate run a trained model: their --device
// option, and the collective choice for eval (train/device_choice.h has the rule).
#include "cli/commands.h"
#include "comm/mpi_world.h"

namespace parlance::cli {

void add_device_option(CLI::App& app, std::string& device) {
  app.add_option("--device", device,
                 "auto (a GPU when one is visible), cpu or cuda (default: cpu for a run trained on the CPU, else auto)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
}

torch::Device eval_device(const std::string& requested, const std::string& trained_on) {
  const NodeFacts node = this_node();  // collective
  torch::Device device = torch::kCPU;
  mpi::collectively([&] { device = inference_device(requested, trained_on, node); });  // one agreed line
  return device;
}

}  // namespace parlance::cli
