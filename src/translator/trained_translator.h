#pragma once
// A trained translator loaded from its checkpoint and dataset card alone (no
// prepared file, no word-vector files), for `translate` and `eval`.
#include <memory>
#include <string>
#include <vector>

#include "data/dataset_card.h"
#include "models/seq2seq_model.h"
#include "train/checkpoint.h"
#include "train/train_config.h"
#include "translator/beam_search.h"
#include "translator/sentence_pairs.h"
#include "translator/translation_scores.h"

namespace parlance {

struct LoadedTranslator {
  TrainConfig cfg;
  DatasetCard card;
  std::shared_ptr<Seq2SeqModel> model;
  std::string file, src_stream, tgt_stream;
  int64_t epoch = 0;
  SpecialIds src_ids;
  TargetSide target;  // max_out: train.max_out, or 0 when the recipe left it to the data
};

// Throws UserError naming the file when it is not a translator run.
LoadedTranslator load_translator(CheckpointContents c);
LoadedTranslator load_translator(const std::string& path, const std::string& data_override = "");

// Translations of `pairs`' sources in this rank's `batches`, in batch order:
// beam search (beam 1: greedy), outputs up to `max_len` tokens.
std::vector<Translation> translate_batches(LoadedTranslator& t, const SentencePairs& pairs,
                                           const std::vector<std::vector<int64_t>>& batches, int64_t beam,
                                           int64_t max_len);

}  // namespace parlance
