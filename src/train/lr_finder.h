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

// The session should step after every micro-batch (accumulate = 1). Every
// rank sees the loss averaged over ranks, so all stop at the same step.
std::vector<LrFindPoint> lr_find(Task& task, TrainSession& ses, Communicator& comm, double start_lr, double end_lr,
                                 int64_t iters);
// DIR/lr_find.csv and DIR/lr_find.svg (rank 0 calls this).
void write_lr_find(const std::string& dir, const std::vector<LrFindPoint>& pts);

}  // namespace parlance
