#include "classifier/labelled_docs.h"

#include <gtest/gtest.h>

#include "data/batch_order.h"

namespace parlance {
namespace {

std::vector<int64_t> column(const torch::Tensor& t, int64_t j) {
  auto c = t.select(1, j).contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

TEST(LabelledDocs, PadsFirstSoTheLastRowIsEveryDocumentsLastToken) {
  auto d = LabelledDocs::from_docs({{2, 3, 4}, {5}, {6, 7}}, {0, 1, 0}, false);
  DocBatch b = d.batch({0, 1, 2}, 1);
  EXPECT_EQ(b.tokens.sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(column(b.tokens, 0), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(column(b.tokens, 1), (std::vector<int64_t>{1, 1, 5}));
  EXPECT_EQ(column(b.tokens, 2), (std::vector<int64_t>{1, 6, 7}));
  EXPECT_TRUE(torch::equal(b.labels, torch::tensor({0, 1, 0}, torch::kInt64)));
}

TEST(LabelledDocs, PadsASliceToTheGlobalBatchsLongestDocument) {
  auto d = LabelledDocs::from_docs({{2, 3, 4, 5}, {6}, {7, 8}}, {}, false);
  DocBatch b = d.batch({1, 2}, 1, /*min_len=*/4);
  EXPECT_EQ(b.tokens.size(0), 4);
  EXPECT_EQ(column(b.tokens, 1), (std::vector<int64_t>{1, 1, 7, 8}));
  EXPECT_TRUE(torch::equal(b.labels, torch::tensor({-1, -1}, torch::kInt64)));
  // Global batches of 2 ranks × 1 document: [0, 2] then [1] (partial).
  EXPECT_EQ(global_batch_longest({0, 2, 1}, d.lengths(), 1, 2, false), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(global_batch_longest({0, 2, 1}, d.lengths(), 1, 2, true), (std::vector<int64_t>{4}));
}

TEST(LabelledDocs, BackwardsReversesEachDocumentOnItsOwn) {
  auto d = LabelledDocs::from_docs({{2, 3, 4}, {5, 6}}, {1, 0}, /*backwards=*/true);
  DocBatch b = d.batch({0, 1}, 1);
  EXPECT_EQ(column(b.tokens, 0), (std::vector<int64_t>{4, 3, 2}));
  EXPECT_EQ(column(b.tokens, 1), (std::vector<int64_t>{1, 6, 5}));  // still padded first
  EXPECT_EQ(d.lengths(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(torch::equal(b.labels, torch::tensor({1, 0}, torch::kInt64)));
}

}  // namespace
}  // namespace parlance
