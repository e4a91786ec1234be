#pragma once
// A task is what the generic training loop (train/trainer.h) trains: a model,
// the data this rank reads, a loss and a validation metric. The loop owns
// everything else — epochs, accumulation windows, the lr/momentum schedule,
// max_steps, periodic checkpoints, exact resume (position and RNG), the NaN
// check, progress, fault injection and the metrics log — so a new model
// family is a new Task, never an edit of the loop.
//
// Lock-step invariant: steps_in_epoch(e) is the same on every rank, for every
// epoch. Each micro-batch that ends an accumulation window allreduces the
// gradients, so ranks that disagree on the number of steps would hang.
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "comm/communicator.h"
#include "data/dataset_card.h"
#include "models/model.h"

namespace parlance {

// A micro-batch's loss as Marian's RationalLoss keeps it: `sum` over `count`
// items (tokens, documents, target words), so ranks and steps with different
// counts combine exactly. `objective` is what backward runs on: the mean loss
// plus any regularizers.
struct StepLoss {
  torch::Tensor objective;
  torch::Tensor sum;  // detached, on the device, any float dtype
  int64_t count = 0;
};

// One epoch's metrics as named columns, in display order ("valid_loss",
// "accuracy", "perplexity", "f1", "bleu", ...).
using MetricRow = std::vector<std::pair<std::string, double>>;

// Named tensors saved in a checkpoint for an exact resume.
using ResumeState = std::map<std::string, torch::Tensor>;

class Task {
 public:
  virtual ~Task() = default;

  // The model, built on the CPU with the recipe's seed (the session moves it).
  virtual std::shared_ptr<Model> model() = 0;
  // What `count` counts, for throughput columns and progress ("tokens").
  virtual std::string count_unit() const = 0;
  // Vocabularies, tokenizers and classes, saved with every checkpoint so the
  // run folder works without the prepared file (empty for generated data).
  virtual DatasetCard dataset_card() const { return {}; }

  // Micro-batches in epoch `epoch`: equal on every rank (see above).
  virtual int64_t steps_in_epoch(int64_t epoch) const = 0;
  // Prepares epoch `epoch` (data order, fresh recurrent state). Together with
  // the weights it fully determines the task's state at the epoch's step 0.
  virtual void begin_epoch(int64_t epoch) = 0;
  // Forward and loss of micro-batch `step` of the current epoch, with the
  // model in training mode and the session's autocast active.
  virtual StepLoss step(int64_t step) = 0;
  // Multiplies the scheduled learning rate for micro-batch `step` (LM:
  // seq_len / bptt for variable-length BPTT).
  virtual double lr_factor(int64_t step) const { return 1.0; }

  // Validation over all ranks (a collective), model in eval mode.
  virtual MetricRow evaluate(Communicator& comm) = 0;
  // The last evaluation in more detail than its columns (a classifier's
  // per-class scores and confusion matrix), printed when training ends; "" for none.
  virtual std::string report() const { return ""; }
  // The same as a picture (SVG: a classifier's confusion matrix), written to
  // RUN/valid_report.svg when training ends; "" for none.
  virtual std::string report_svg() const { return ""; }

  // The task's own mid-epoch resume state, every rank's in one collective
  // (e.g. the LM's recurrent state); restored with this rank's index.
  virtual ResumeState save_state(Communicator& comm) { return {}; }
  virtual std::vector<std::string> state_names() const { return {}; }
  virtual void restore_state(const ResumeState& all_ranks, int rank) {}
};

}  // namespace parlance
