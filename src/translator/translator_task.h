#pragma once
// Translation as a task of the generic loop (train/trainer.h), lesson 11's
// way: sentence pairs batched by source length (fastai's SortishSampler,
// SortSampler for validation), padded at the end, a seq2seq model
// (models/seq2seq_model.h) decoding every target position with teacher
// forcing on a schedule, cross-entropy over the real target tokens.
//
// Data-parallel invariant: every rank draws the same global batch order and
// the same teacher-forcing draws from the shared seed and takes its slice of
// each global batch of bs × ranks pairs. Rows do not interact (packed encoder,
// masked attention), and each rank's summed loss is divided by the global
// batch's target-token count × 1/ranks, so the averaged gradient is that of
// the whole global batch's mean loss: W ranks × bs b ≡ 1 rank × bs W·b. The
// last partial global batch is dropped.
#include <memory>

#include "data/batch_order.h"
#include "data/prepared_dataset.h"
#include "models/seq2seq_model.h"
#include "train/task.h"
#include "train/task_registry.h"
#include "train/train_config.h"
#include "translator/sentence_pairs.h"
#include "translator/translation_scores.h"

namespace parlance {

// The model's spec from the recipe and the two vocabularies: shared [model]
// keys, vocabulary sizes, and embedding sizes from the word vectors' files.
Seq2SeqSpec translator_spec(const TrainConfig& cfg, int64_t src_vocab, int64_t tgt_vocab, const SpecialIds& src_ids,
                            const SpecialIds& tgt_ids);
// The longest output decoding may produce: train.max_out, or the longest
// training target (the lesson's out_sl).
int64_t output_limit(const TranslatorSpec& spec, const SentencePairs& train);
// The prepared streams read as source and target under train.direction.
std::pair<std::string, std::string> translation_streams(const std::string& direction);

class TranslatorTask : public Task {
 public:
  TranslatorTask(const TrainConfig& cfg, const TaskContext& ctx);

  std::shared_ptr<Model> model() override { return model_; }
  std::string count_unit() const override { return "target_tokens"; }
  DatasetCard dataset_card() const override { return DatasetCard::from(data_); }
  int64_t steps_in_epoch(int64_t epoch) const override;
  void begin_epoch(int64_t epoch) override;
  StepLoss step(int64_t step) override;
  MetricRow evaluate(Communicator& comm) override;
  // A few validation sentences with their reference and the model's greedy output.
  std::string report() const override { return report_; }
  // The first of them's attention (models that attend), as a heat map.
  std::string report_svg() const override { return report_svg_; }

  const std::vector<int64_t>& batch_pairs(int64_t step) const { return plan_.batches[static_cast<size_t>(step)]; }
  Seq2SeqModel& seq2seq() { return *model_; }

 private:
  void init_vectors();
  TrainConfig cfg_;
  TaskContext ctx_;
  PreparedDataset data_;
  std::vector<std::string> src_itos_;
  SpecialIds src_ids_;
  TargetSide target_;
  SentencePairs train_, valid_;
  std::shared_ptr<Seq2SeqModel> model_;
  int64_t epoch_ = 0;
  BatchPlan plan_;                     // the current epoch's
  std::vector<int64_t> global_tokens_;  // target tokens in each global batch
  std::string report_, report_svg_;
};

}  // namespace parlance
