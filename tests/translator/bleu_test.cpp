// BLEU's statistics and sacreBLEU's 13a tokenization; the score itself is
// checked against nltk's corpus_bleu in tests/translator/bleu_vs_nltk.py.
#include "translator/bleu.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

std::vector<std::string> w(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

TEST(Bleu, IdenticalSentencesScoreOneAndDisjointZero) {
  BleuStats s;
  s.add(w("the cat sat on the mat"), w("the cat sat on the mat"));
  EXPECT_DOUBLE_EQ(s.score(), 1.0);
  BleuStats z;
  z.add(w("a b c d"), w("e f g h"));
  EXPECT_EQ(z.score(), 0.0);
}

TEST(Bleu, ClipsCountsAndPenalizesBrevity) {
  BleuStats s;
  s.add(w("the the the the"), w("the cat"));
  EXPECT_EQ(s.matches[0], 1);  // "the" clipped to its one reference occurrence
  EXPECT_EQ(s.totals[0], 4);
  BleuStats shorter;
  shorter.add(w("a b c d"), w("a b c d e f g h"));
  EXPECT_NEAR(shorter.score(), std::exp(1.0 - 8.0 / 4.0), 1e-12);
}

TEST(Bleu, StatisticsAddUpAcrossParts) {
  BleuStats all, a, b;
  all.add(w("a b c d e"), w("a b c d f"));
  all.add(w("x y z w"), w("x y z w"));
  a.add(w("a b c d e"), w("a b c d f"));
  b.add(w("x y z w"), w("x y z w"));
  std::vector<double> sum = a.as_vector();
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += b.as_vector()[i];
  EXPECT_DOUBLE_EQ(BleuStats::from_vector(sum).score(), all.score());
}

TEST(BleuTokenize, SplitsPunctuationLike13a) {
  EXPECT_EQ(bleu_tokenize("What's that?"), w("What's that ?"));
  EXPECT_EQ(bleu_tokenize("It costs $3.50, or 1,000 yen."), w("It costs $ 3.50 , or 1,000 yen ."));
  EXPECT_EQ(bleu_tokenize("(well) 10-20 e-mail"), w("( well ) 10 - 20 e-mail"));
  EXPECT_EQ(bleu_tokenize("qu'est-ce que c'est ?"), w("qu'est-ce que c'est ?"));
}

}  // namespace
}  // namespace parlance
