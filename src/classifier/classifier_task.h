#pragma once
// Text classification as a task of the generic loop (train/trainer.h), the
// ULMFiT way: labelled documents of a prepared split, pre-padded in batches of
// similar lengths (fastai's SortishSampler), the AWD-LSTM encoder over each
// whole document in bptt chunks under the pooling head, cross-entropy + AR +
// TAR on the encoder's last layer, layer groups for gradual unfreezing.
//
// Data-parallel invariant: every rank draws the same global batch order from
// the shared seed and takes its own slice of each global batch of bs × ranks
// documents (data/batch_order.h), and the head's BatchNorm normalizes
// over the global batch (models/sync_batch_norm.h). So W ranks with bs b take
// the same steps, with the same gradients, as 1 rank with bs W·b (up to the
// per-rank dropout masks); each rank pads its slice to the global batch's
// longest document, so padding is the same too. The last partial global
// batch is dropped.
#include <memory>

#include "classifier/class_metrics.h"
#include "classifier/labelled_docs.h"
#include "classifier/text_classifier.h"
#include "data/batch_order.h"
#include "data/prepared_dataset.h"
#include "train/task.h"
#include "train/task_registry.h"
#include "train/train_config.h"

namespace parlance {

// Cross-entropy (`ce`, the reported loss) and the training objective: ce +
// alpha·AR + beta·TAR on the encoder's last layer (fastai's RNNTrainer does
// this for classifiers too).
struct ClassifierLoss {
  torch::Tensor objective, ce;
};
ClassifierLoss classifier_loss(const ClassifierOutput& out, const torch::Tensor& labels, double alpha, double beta);

class ClassifierTask : public Task {
 public:
  // Reads cfg.train_split and cfg.valid_split, builds the classifier (seeded
  // with cfg.seed) and, unless resuming, initializes its encoder from
  // train.init (an LM run or encoder.pt; rows remapped by token).
  ClassifierTask(const TrainConfig& cfg, const TaskContext& ctx);

  std::shared_ptr<Model> model() override { return model_; }
  std::string count_unit() const override { return "documents"; }
  DatasetCard dataset_card() const override { return DatasetCard::from(data_); }
  int64_t steps_in_epoch(int64_t epoch) const override;
  void begin_epoch(int64_t epoch) override;
  StepLoss step(int64_t step) override;
  MetricRow evaluate(Communicator& comm) override;
  std::string report() const override;
  std::string report_svg() const override;

  // This rank's documents of micro-batch `step` of the current epoch.
  const std::vector<int64_t>& batch_docs(int64_t step) const { return plan_.batches[static_cast<size_t>(step)]; }
  const LabelledDocs& train_docs() const { return train_; }

 private:
  TrainConfig cfg_;
  TaskContext ctx_;
  PreparedDataset data_;
  LabelledDocs train_, valid_;
  std::shared_ptr<TextClassifier> model_;
  BatchPlan plan_;  // the current epoch's
  ClassMetrics last_valid_;
};

}  // namespace parlance
