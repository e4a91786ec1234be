#pragma once
// Scoring a translator on held-out pairs with greedy decoding: the lesson's
// loss (seq2seq_loss: predictions that end early are padded), token accuracy
// over the real target tokens, and corpus BLEU on detokenized text
// (translator/bleu.h). Every quantity is a sum, so ranks each score their
// slice and add up; the result is the same for any rank count.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "comm/communicator.h"
#include "models/seq2seq_model.h"
#include "translator/bleu.h"
#include "translator/sentence_pairs.h"

namespace parlance {

// One validation pair as decoded, kept for the report.
struct TranslationSample {
  int64_t pair = 0;
  std::vector<int64_t> output;
  torch::Tensor attention;  // (output steps, S) on the CPU; undefined for models without attention
};

struct TranslationScores {
  double loss_sum = 0, tokens = 0, correct = 0;
  BleuStats bleu;
  std::vector<TranslationSample> samples;  // this rank's first few pairs (not summed over ranks)

  void sum_over(Communicator& comm);
  double loss() const { return loss_sum / std::max(tokens, 1.0); }
  double accuracy() const { return correct / std::max(tokens, 1.0); }
};

// What greedy decoding needs to know about the target side.
struct TargetSide {
  std::vector<std::string> itos;
  SpecialIds ids;
  int64_t max_out = 0;  // longest output
};

// Token ids → readable text (specials dropped, casing applied, spacing undone).
std::string readable_text(const std::vector<int64_t>& ids, const std::vector<std::string>& itos);
// Adds one translation to `bleu`: both sides detokenized, then 13a-tokenized.
void add_to_bleu(BleuStats& bleu, const std::vector<int64_t>& hypothesis, const std::vector<int64_t>& reference,
                 const std::vector<std::string>& itos);

// Greedy decoding of this rank's `batches` of `pairs`, scored against their
// targets. (Rows are independent — the encoder runs packed, attention masks
// padding — so how pairs are batched and padded does not change a score.)
TranslationScores score_greedy(Seq2SeqModel& model, const SentencePairs& pairs,
                               const std::vector<std::vector<int64_t>>& batches,
                               const TargetSide& target, torch::Device device);

}  // namespace parlance
