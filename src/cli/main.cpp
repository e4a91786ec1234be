// parlance: one binary, one subcommand per stage. Errors a user can fix are
// one line on stderr and exit status 1; when ranks disagree (one rank hit bad
// data) the failing rank stops every rank so no job hangs.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/commands.h"
#include "train/preemption.h"
#include "train/device_choice.h"
#include "train/warn_once.h"
#include "util/error.h"
#include "comm/mpi_world.h"

int main(int argc, char** argv) {
  parlance::mpi::World world(&argc, &argv);
  const int rank = parlance::mpi::rank();
  parlance::show_each_libtorch_warning_once(rank);
  spdlog::set_pattern("[%H:%M:%S] [rank " + std::to_string(rank) + "] %^%l%$ %v");

  CLI::App app{"parlance: data-parallel ULMFiT-family NLP training"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return std::string("parlance ") + PARLANCE_VERSION + " (" + parlance::devices_summary() + ")"; });
  std::map<CLI::App*, parlance::cli::Command> commands;
  auto add = [&](const char* name, const char* help, parlance::cli::Command (*reg)(CLI::App&)) {
    CLI::App* sub = app.add_subcommand(name, help);
    commands[sub] = reg(*sub);
  };
  add("prep", "tokenize a corpus into a prepared HDF5 dataset (run under mpirun for N ranks)", parlance::cli::add_prep);
  add("inspect", "summarize a prepared dataset and decode some of it", parlance::cli::add_inspect);
  add("demo-data", "generate the embedded demo corpus", parlance::cli::add_demo_data);
  add("train", "train a language model, classifier or translator data-parallel (run under mpirun for N ranks)",
      parlance::cli::add_train);
  add("lr-find", "sweep the learning rate exponentially and plot the loss", parlance::cli::add_lr_find);
  add("eval", "a trained model on a split: LM perplexity and accuracy, a classifier's (or ensemble's) "
      "accuracy, per-class F1 and confusion matrix, or a translator's loss, accuracy and BLEU (greedy and beam)", parlance::cli::add_eval);
  add("generate", "continue a prompt with a trained language model", parlance::cli::add_generate);
  add("import-weights", "fastai v1 / awd-lstm-lm language-model weights into a run folder",
      parlance::cli::add_import_weights);
  add("predict", "class and class probabilities of documents from a trained classifier (or an ensemble)",
      parlance::cli::add_predict);
  add("translate", "translate sentences with a trained translator (greedy or beam search; attention as SVG)",
      parlance::cli::add_translate);
  add("plot", "training curves of one or more runs (loss per step and epoch, every metric) as SVG",
      parlance::cli::add_plot);
  add("export-weights", "a run's AWD-LSTM as a fastai v1 state dict and itos", parlance::cli::add_export_weights);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return rank == 0 ? app.exit(e) : (e.get_exit_code() ? 1 : 0);
  }
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
  } catch (const parlance::Preempted& e) {  // every rank stopped at the same step after the checkpoint
    if (rank == 0) std::fprintf(stderr, "parlance: %s\n", e.what());
    return parlance::kExitPreempted;
  } catch (const parlance::AgreedError& e) {
    if (rank == 0) std::fprintf(stderr, "parlance: error: %s\n", e.what());
    return 1;
  } catch (const parlance::UserError& e) {
    std::fprintf(stderr, "parlance: error: %s\n", e.what());
    std::fflush(stderr);
    parlance::mpi::abort_all(1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parlance: internal error on rank %d: %s\n", rank, e.what());
    std::fflush(stderr);
    parlance::mpi::abort_all(2);
  }
  return 0;
}
