#pragma once
// Data-parallel language-model training: every rank runs this on its own
// streams; the GradientReducer keeps the replicas identical.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dist/communicator.h"
#include "train/train_config.h"

namespace parlance {

struct EpochMetrics {
  int64_t epoch = 0;
  double train_loss = 0, valid_loss = 0, accuracy = 0, perplexity = 0, seconds = 0, tokens_per_s = 0;
};

class LanguageModel;
class RankStreams;

// Summed over this rank's streams (allreduce to combine ranks).
struct Sums {
  double loss = 0, correct = 0, tokens = 0;
};
// Cross-entropy and next-token accuracy over all of `streams`, no dropout.
Sums evaluate_lm(LanguageModel& model, const RankStreams& streams, int64_t bptt);
// The same sums added over all ranks.
Sums allreduce_sums(Communicator& comm, Sums s);

// Runs cfg.epochs epochs; rank 0 prints a fastai-style table, appends one
// JSON object per epoch to RUN/metrics.jsonl and writes checkpoints.
// Called on rank 0 after each optimizer step: epoch, step in epoch, steps in
// epoch, tokens/s over all ranks so far this epoch.
using TrainProgressFn = std::function<void(int64_t epoch, int64_t step, int64_t steps, double tokens_per_s)>;

// `resume`: continue from RUN/checkpoints/last.pt exactly where it stopped.
std::vector<EpochMetrics> train_language_model(const TrainConfig& cfg, Communicator& comm, bool resume = false,
                                               const TrainProgressFn& progress = {});

struct LrFindPoint {
  double lr, loss, smoothed_loss;
};
// fastai's lr_find: an exponential sweep from start_lr to end_lr over `iters`
// optimizer steps, stopping once the smoothed loss exceeds 4x its minimum.
// Rank 0 writes RUN/lr_find.csv and RUN/lr_find.svg.
std::vector<LrFindPoint> lr_find(const TrainConfig& cfg, Communicator& comm, double start_lr, double end_lr,
                                 int64_t iters);

}  // namespace parlance
