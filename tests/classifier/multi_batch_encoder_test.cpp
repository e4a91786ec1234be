#include "classifier/multi_batch_encoder.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace parlance {
namespace {

LmSpec spec() {
  LmSpec s;
  s.vocab = 40, s.emb = 6, s.hidden = 10, s.layers = 3;
  return s;
}

TEST(MultiBatchEncoder, EqualsOneLongForwardWhenMaxLenCoversTheDocument) {
  torch::manual_seed(0);
  AwdLstmEncoder enc(spec());
  enc.eval();
  auto tokens = torch::randint(2, 40, {23, 3}, torch::kInt64);
  tokens.narrow(0, 0, 4).select(1, 0).fill_(1);  // pre-padding in the first document
  auto state = enc.initial_state(3, torch::kCPU);
  auto whole = enc.forward(tokens, state);
  auto chunked = encode_in_chunks(enc, tokens, /*bptt=*/5, /*max_len=*/100, /*pad=*/1);
  ASSERT_EQ(chunked.out.sizes(), whole.sizes());
  EXPECT_TRUE(torch::allclose(chunked.out, whole, 1e-5, 1e-6));
  EXPECT_TRUE(torch::equal(chunked.pad, tokens == 1));
}

TEST(MultiBatchEncoder, KeepsTheLastChunksWithGradientsOnly) {
  torch::manual_seed(1);
  AwdLstmEncoder enc(spec());
  enc.eval();
  auto tokens = torch::randint(2, 40, {23, 2}, torch::kInt64);
  auto kept = encode_in_chunks(enc, tokens, 5, 8, 1);  // chunks 15-19 and 20-22 reach the last 8
  EXPECT_EQ(kept.out.size(0), 8);
  ASSERT_TRUE(kept.out.requires_grad());
  // The kept part equals the tail of the long forward (the state carried through).
  auto state = enc.initial_state(2, torch::kCPU);
  auto whole = enc.forward(tokens, state);
  EXPECT_TRUE(torch::allclose(kept.out, whole.narrow(0, 15, 8), 1e-5, 1e-6));
  kept.out.sum().backward();
  EXPECT_GT(enc.embedding().grad().abs().sum().item<double>(), 0);
  EXPECT_EQ(encode_in_chunks(enc, tokens, 5, 1, 1).out.size(0), 3);  // at least the last chunk
  EXPECT_THROW(encode_in_chunks(enc, tokens, 5, 0, 1), UserError);
}

}  // namespace
}  // namespace parlance
