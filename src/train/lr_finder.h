#pragma once
// fastai's learning-rate finder over any task: an exponential sweep from
// start_lr to end_lr, one optimizer step per micro-batch, stopping once the
// smoothed loss exceeds 4x its minimum.
#include <cstdint>
#include <string>
#include <vector>

#include "train/task.h"
#include "train/train_session.h"

namespace parlance {

struct LrFindPoint {
  double lr, loss, smoothed_loss;
};

// What the sweep suggests, as indices into its points: the minimum of the
// smoothed loss, and fastai v1's suggestion — the steepest descent of the
// smoothed loss per step (np.gradient's argmin), skipping the first 10 and
// last 5 points as recorder.plot does when there are enough of them.
struct LrSuggestion {
  size_t minimum = 0, steepest = 0;
};
LrSuggestion suggest_lr(const std::vector<LrFindPoint>& pts);  // pts must not be empty

// The session should step after every micro-batch (accumulate = 1). Every
// rank sees the loss averaged over ranks, so all stop at the same step.
std::vector<LrFindPoint> lr_find(Task& task, TrainSession& ses, Communicator& comm, double start_lr, double end_lr,
                                 int64_t iters);
// DIR/lr_find.csv and DIR/lr_find.svg: the raw and smoothed loss against the
// lr on a log axis, the minimum and the suggestion marked (rank 0 calls this).
void write_lr_find(const std::string& dir, const std::vector<LrFindPoint>& pts);

}  // namespace parlance
