#include "classifier/pooling_classifier.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace parlance {
namespace {

TEST(MaskedConcatPool, IsLastMaxMeanOverRealTokensOnly) {
  // One document of 2 real steps pre-padded with 2 pads, n = 2.
  auto out = torch::tensor({{9.f, 9.f}, {9.f, 9.f}, {1.f, -4.f}, {3.f, -2.f}}).view({4, 1, 2});
  auto pad = torch::tensor({true, true, false, false}).view({4, 1});
  auto p = masked_concat_pool(out, pad);
  EXPECT_TRUE(torch::equal(p, torch::tensor({{3.f, -2.f, 3.f, -2.f, 2.f, -3.f}})));
}

TEST(MaskedConcatPool, PaddingDoesNotChangeADocumentsFeatures) {
  torch::manual_seed(0);
  auto doc = torch::randn({5, 1, 3});
  auto alone = masked_concat_pool(doc, torch::zeros({5, 1}, torch::kBool));
  // The same document in a batch beside a longer one: pre-padded with 3 junk rows.
  auto longer = torch::randn({8, 1, 3});
  auto batch = torch::cat({torch::cat({torch::full({3, 1, 3}, 100.f), doc}), longer}, 1);
  auto pad = torch::cat({torch::cat({torch::ones({3, 1}, torch::kBool), torch::zeros({5, 1}, torch::kBool)}),
                         torch::zeros({8, 1}, torch::kBool)},
                        1);
  auto both = masked_concat_pool(batch, pad);
  EXPECT_TRUE(torch::allclose(both[0], alone[0], 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(both[1], masked_concat_pool(longer, torch::zeros({8, 1}, torch::kBool))[0]));
}

TEST(MaskedConcatPool, ADocumentOfPaddingOnlyPoolsToFiniteValues) {
  auto out = torch::tensor({{1.f, 2.f}, {3.f, 4.f}}).view({2, 1, 2});
  auto p = masked_concat_pool(out, torch::ones({2, 1}, torch::kBool));
  EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  EXPECT_TRUE(torch::equal(p.narrow(1, 2, 4), torch::zeros({1, 4})));  // max and mean of nothing: 0
}

TEST(PoolingLinearClassifier, MapsPooledFeaturesToClassLogits) {
  torch::manual_seed(1);
  PoolingLinearClassifier head({12, 5, 3}, {0.4, 0.1});
  head.eval();
  auto logits = head.forward(torch::randn({7, 4, 4}), torch::zeros({7, 4}, torch::kBool));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(head.named_parameters().size(), 2u * 2 + 2u * 2);  // BatchNorm (weight, bias) + Linear per block
  EXPECT_THROW(PoolingLinearClassifier({12}, {}), UserError);
  EXPECT_THROW(PoolingLinearClassifier({12, 2}, {0.1, 0.2}), UserError);
}

}  // namespace
}  // namespace parlance
