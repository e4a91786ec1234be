#include "data/batch_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "util/splitmix64.h"

namespace parlance {
namespace {

std::vector<int64_t> random_lengths(size_t n, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<int64_t> l(n);
  for (auto& x : l) x = 5 + static_cast<int64_t>(rng.below(500));
  return l;
}

bool is_permutation_of_all(std::vector<int64_t> order, size_t n) {
  std::sort(order.begin(), order.end());
  std::vector<int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  return order == all;
}

TEST(SortOrder, LongestFirstTiesByIndex) {
  EXPECT_EQ(sort_order({3, 9, 3, 1, 9}), (std::vector<int64_t>{1, 4, 0, 2, 3}));
}

TEST(SortishOrder, SeededPermutationWithTheLongestBatchFirstAndSortedChunks) {
  const auto lengths = random_lengths(2000, 1);
  const int64_t gbs = 8;
  auto a = sortish_order(lengths, gbs, 42, 0);
  EXPECT_EQ(a, sortish_order(lengths, gbs, 42, 0));  // same on every rank
  EXPECT_NE(a, sortish_order(lengths, gbs, 42, 1));  // new each epoch
  EXPECT_TRUE(is_permutation_of_all(a, lengths.size()));
  const int64_t longest = *std::max_element(lengths.begin(), lengths.end());
  EXPECT_EQ(lengths[static_cast<size_t>(a[0])], longest);
  // Within every batch the lengths fall (each batch is a piece of a sorted chunk).
  for (size_t b = 0; b + static_cast<size_t>(gbs) <= a.size(); b += static_cast<size_t>(gbs))
    for (size_t i = b + 1; i < b + static_cast<size_t>(gbs); ++i)
      EXPECT_GE(lengths[static_cast<size_t>(a[i - 1])], lengths[static_cast<size_t>(a[i])]);
  // Sortish, not sorted: batches are not in length order overall.
  EXPECT_NE(a, sort_order(lengths));
  // Padding is small: the spread inside a batch is far below the corpus spread.
  double spread = 0;
  for (size_t b = 0; b + static_cast<size_t>(gbs) <= a.size(); b += static_cast<size_t>(gbs))
    spread += static_cast<double>(lengths[static_cast<size_t>(a[b])] - lengths[static_cast<size_t>(a[b + gbs - 1])]);
  EXPECT_LT(spread / (static_cast<double>(a.size()) / gbs), 20.0);
}

TEST(RankBatches, SlicesPartitionEveryGlobalBatchAndMatchOneRankWithTheGlobalBs) {
  const auto lengths = random_lengths(103, 2);
  auto order = sortish_order(lengths, 8, 7, 3);
  auto one = rank_batches(order, 8, 1, 0, /*drop_last=*/true);
  auto r0 = rank_batches(order, 4, 2, 0, true), r1 = rank_batches(order, 4, 2, 1, true);
  ASSERT_EQ(one.size(), 12u);  // 103 / 8, the partial batch dropped
  ASSERT_EQ(r0.size(), one.size());
  ASSERT_EQ(r1.size(), one.size());
  for (size_t b = 0; b < one.size(); ++b) {
    std::vector<int64_t> both(r0[b]);
    both.insert(both.end(), r1[b].begin(), r1[b].end());
    EXPECT_EQ(both, one[b]) << "batch " << b;
    EXPECT_EQ(r0[b].size(), 4u);
  }
  // Validation keeps the partial batch: 103 = 12·8 + 7, split 3 / 4.
  auto v0 = rank_batches(order, 4, 2, 0, false), v1 = rank_batches(order, 4, 2, 1, false);
  ASSERT_EQ(v0.size(), 13u);
  EXPECT_EQ(v0.back().size() + v1.back().size(), 7u);
  std::vector<int64_t> seen;
  for (const auto* rb : {&v0, &v1})
    for (const auto& b : *rb) seen.insert(seen.end(), b.begin(), b.end());
  EXPECT_TRUE(is_permutation_of_all(seen, lengths.size()));
}

}  // namespace
}  // namespace parlance
