// parlance-torch: every subcommand, the ones that train and run models on
// LibTorch included. Users run `parlance`, which hands these commands over
// to this binary (cli/parlance_main.cpp); it answers --help and --version
// for the whole tool too.
#include "cli/commands.h"
#include "cli/run_cli.h"
#include "data/compressed_input.h"
#include "train/device_choice.h"
#include "train/warn_once.h"
#include "util/openblas_kernels.h"

int main(int argc, char** argv) {
  using namespace parlance::cli;
  parlance::rerun_if_openblas_misjudged(argv);  // started directly on a CPU OpenBLAS does not know
  std::vector<Subcommand> all = data_subcommands();
  const std::vector<Subcommand> models = {
      {"train", "train a language model, classifier or translator data-parallel (run under mpirun for N ranks)",
       add_train},
      {"lr-find", "sweep the learning rate exponentially and plot the loss", add_lr_find},
      {"eval",
       "a trained model on a split: LM perplexity and accuracy, a classifier's (or ensemble's) accuracy, per-class "
       "F1 and confusion matrix, or a translator's loss, accuracy and BLEU (greedy and beam)",
       add_eval},
      {"generate", "continue a prompt with a trained language model", add_generate},
      {"import-weights", "fastai v1 / awd-lstm-lm language-model weights into a run folder", add_import_weights},
      {"export-weights", "a run's AWD-LSTM as a fastai v1 state dict and itos", add_export_weights},
      {"predict", "class and class probabilities of documents from a trained classifier (or an ensemble)",
       add_predict},
      {"translate", "translate sentences with a trained translator (greedy or beam search; attention as SVG)",
       add_translate},
  };
  all.insert(all.end(), models.begin(), models.end());
  CliHooks hooks;
  hooks.on_start = [](int rank) { parlance::show_each_libtorch_warning_once(rank); };
  hooks.version = [] {
    const std::string blas = parlance::openblas_kernels_in_use();
    return std::string("parlance ") + PARLANCE_VERSION + " (" + parlance::devices_summary() + "; " +
           (blas.empty() ? "" : blas + "; ") +
           (parlance::reads_compressed_input() ? "compressed inputs through libarchive"
                                               : "no compressed inputs: built without libarchive") + ")";
  };
  return run_cli(argc, argv, all, hooks);
}
