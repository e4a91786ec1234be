#pragma once
// Corpus BLEU (Papineni et al. 2002) as nltk.translate.bleu_score.corpus_bleu
// computes it with its defaults: one reference per sentence, clipped n-gram
// precisions for n = 1..4 summed over the corpus, uniform weights, the
// brevity penalty from the corpus's hypothesis and reference lengths, no
// smoothing (an order with no match makes the score ~0, no unigram match 0). The statistics are sums, so ranks
// add theirs up and every rank computes the same score.
//
// Tokenization (what the translator scores): both sides are detokenized to
// plain text (text/detokenize.h) and split with sacreBLEU's default "13a"
// tokenizer (bleu_tokenize), so the score does not depend on the prep
// tokenizer; case is kept.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

struct BleuStats {
  std::array<double, 4> matches{}, totals{};
  double hyp_len = 0, ref_len = 0;

  void add(const std::vector<std::string>& hypothesis, const std::vector<std::string>& reference);
  double score() const;  // in [0, 1]
  std::vector<double> as_vector() const;  // for a sum over ranks
  static BleuStats from_vector(const std::vector<double>& v);
};

// sacreBLEU's 13a tokenization of one line (mteval-v13a's rules).
std::vector<std::string> bleu_tokenize(const std::string& text);

}  // namespace parlance
