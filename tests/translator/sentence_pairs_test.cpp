#include "translator/sentence_pairs.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace parlance {
namespace {

const SpecialIds kIds{1, 2, 3};

TEST(SentencePairs, SourcesEndInEosAndBatchPadsAtTheEnd) {
  const SentencePairs p = SentencePairs::from_sources({{2, 7, 8}, {2, 9, 3}, {}}, kIds);
  EXPECT_EQ(p.src_lengths(), (std::vector<int64_t>{4, 3, 1}));
  const PairBatch b = p.batch({0, 2}, 5);
  EXPECT_TRUE(torch::equal(b.src, torch::tensor({{2, 3}, {7, 1}, {8, 1}, {3, 1}, {1, 1}}, torch::kInt64)));
}

TEST(SentencePairs, SpecialIdsAreLookedUpByToken) {
  const SpecialIds s = SpecialIds::of({"xxunk", "xxbos", "xxpad", "xxeos", "a"}, "v");
  EXPECT_EQ(s.pad, 2);
  EXPECT_EQ(s.bos, 1);
  EXPECT_EQ(s.eos, 3);
  EXPECT_THROW(SpecialIds::of({"xxunk", "xxpad", "a"}, "v"), UserError);
}

}  // namespace
}  // namespace parlance
