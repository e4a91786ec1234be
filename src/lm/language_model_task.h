#pragma once
// Language modelling as a task of the generic loop (train/trainer.h): this
// rank's contiguous streams of a prepared split (lm/rank_streams.h), awd-lstm's
// variable BPTT (lm/bptt_schedule.h, seeded alike on every rank, so every rank
// takes the same number of steps), a recurrent state carried across batches
// (detached each step, fresh each epoch, saved for mid-epoch resume), and
// cross-entropy + AR + TAR (lm/lm_loss.h). The lr is scaled by seq_len / bptt.
#include <memory>

#include "data/prepared_dataset.h"
#include "lm/bptt_schedule.h"
#include "lm/rank_streams.h"
#include "models/language_model.h"
#include "train/task.h"
#include "train/train_config.h"

namespace spdlog {
class logger;
}

namespace parlance {

// Summed over this rank's streams: cross-entropy and next-token hits.
struct LmSums {
  double loss = 0, correct = 0, tokens = 0;
};
// Cross-entropy and next-token accuracy over all of `streams`, no dropout.
LmSums evaluate_lm(LanguageModel& model, const RankStreams& streams, int64_t bptt);
LmSums allreduce_sums(Communicator& comm, LmSums s);
// valid_loss, accuracy and perplexity of summed sums.
MetricRow lm_metrics(const LmSums& s);

class LanguageModelTask : public Task {
 public:
  // Reads this rank's streams of cfg.train_split / cfg.valid_split and builds
  // the model (seeded with cfg.seed, so every rank builds the same one), from
  // train.init's weights unless `resume`.
  LanguageModelTask(const TrainConfig& cfg, int rank, int world, torch::Device device, bool resume,
                    spdlog::logger* log = nullptr);

  std::shared_ptr<Model> model() override { return model_; }
  std::string count_unit() const override { return "tokens"; }
  DatasetCard dataset_card() const override { return DatasetCard::from(data_); }
  int64_t steps_in_epoch(int64_t epoch) const override;
  void begin_epoch(int64_t epoch) override;
  StepLoss step(int64_t step) override;
  double lr_factor(int64_t step) const override;
  MetricRow evaluate(Communicator& comm) override;
  ResumeState save_state(Communicator& comm) override;
  std::vector<std::string> state_names() const override;
  void restore_state(const ResumeState& all_ranks, int rank) override;

  const RankStreams& train_streams() const { return train_; }

 private:
  TrainConfig cfg_;
  torch::Device device_;
  PreparedDataset data_;
  StreamPlan train_plan_;
  RankStreams train_, valid_;
  int64_t streams_epoch_ = 0;  // the epoch whose document order train_ holds
  std::shared_ptr<LanguageModel> model_;
  LmState state_;
  std::vector<BpttStep> steps_;  // the current epoch's
};

}  // namespace parlance
