#pragma once
// Training curves of one or more runs, fastai's recorder.plot_losses and
// plot_metrics in one picture: a loss panel (training loss per logged step
// and per epoch, validation loss per epoch) and one panel per metric column
// (accuracy, perplexity, F1, BLEU, …), every run in its own colour.
//
// A run is read from what the loop writes as it goes: RUN/metrics.jsonl (one
// row per finished epoch) and RUN/steps.jsonl (the training loss every
// train.log_every optimizer steps), so a run still training plots what it
// has: a last line without its newline is one being written and is skipped.
#include <string>
#include <utility>
#include <vector>

#include "plot/line_chart.h"

namespace parlance {

using HistoryRow = std::vector<std::pair<std::string, double>>;  // column → value, in file order

struct RunHistory {
  std::string name;               // how the run is labelled in legends
  std::vector<HistoryRow> epochs;  // ascending "epoch"; a repeated epoch (a rerun) keeps its last row
  std::vector<HistoryRow> steps;   // ascending "step", likewise
};

// Throws UserError when the folder is not a run (no config.toml and neither
// file), or a finished line is not a flat JSON object of numbers (naming the
// file and line).
RunHistory read_run_history(const std::string& run_dir);

// x is epochs completed: an epoch's row sits at epoch + 1, a step's at its
// fractional "epoch". Columns that are bookkeeping (epoch, stage, seconds,
// ranks, throughput) get no panel.
std::vector<Panel> training_panels(const std::vector<RunHistory>& runs);

// The value of `column` in `row`, NaN when absent.
double value_of(const HistoryRow& row, const std::string& column);

}  // namespace parlance
