#pragma once
// Subcommands of `parlance`. Each registers its options on the CLI11 app and
// returns the function to run once arguments are parsed. The data commands
// (cli/data_commands.h) need no LibTorch; the model commands declared here do.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/data_commands.h"
#include "train/checkpoint.h"
#include "train/device_choice.h"

namespace parlance::cli {

Command add_train(CLI::App& app);
Command add_lr_find(CLI::App& app);
Command add_eval(CLI::App& app);
Command add_generate(CLI::App& app);
Command add_import_weights(CLI::App& app);
Command add_export_weights(CLI::App& app);
Command add_predict(CLI::App& app);
Command add_translate(CLI::App& app);
// parlance eval on classifier runs (an ensemble when several): accuracy,
// per-class precision/recall/F1 and the confusion matrix on `split`. `first`
// is the first run's checkpoint, already read; `more` the other runs;
// `confusion_svg`, unless "", gets the confusion matrix drawn.
int eval_classifiers(CheckpointContents first, const std::vector<std::string>& more, const std::string& data_override,
                     const std::string& split, int64_t bs, const std::string& confusion_svg, torch::Device device);
// parlance eval on a translator run: the lesson's loss, token accuracy and
// BLEU with greedy decoding, and BLEU with beam search when beam > 1.
int eval_translator(CheckpointContents first, const std::string& split, int64_t bs, int64_t beam, torch::Device device);

// The --device option of the commands that use a trained model, and where
// eval (collective: every rank calls it) runs; see inference_device.
void add_device_option(CLI::App& app, std::string& device);
torch::Device eval_device(const std::string& requested, const std::string& trained_on);

}  // namespace parlance::cli
