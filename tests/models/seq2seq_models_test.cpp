// The seq2seq models behind models/seq2seq_model.h: shapes, padding that
// changes nothing, attention that sums to 1 over the real source tokens, the
// tied output layer, beam-search reordering of the state.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/seq2seq_model.h"

namespace parlance {
namespace {

Seq2SeqSpec small_spec(const std::string& arch, bool bidirectional) {
  Seq2SeqSpec s;
  s.arch = arch;
  s.src_vocab = 30;
  s.tgt_vocab = 40;
  s.src_emb = 6;
  s.tgt_emb = 10;
  s.hidden = 8;
  s.layers = 2;
  s.bidirectional = bidirectional;
  return s;
}

// (S, B) sources, real tokens in [4, 30), row j of length lens[j], pads (1) after.
torch::Tensor sources(const std::vector<int64_t>& lens, int64_t S) {
  torch::Tensor t = torch::full({S, static_cast<int64_t>(lens.size())}, 1, torch::kInt64);
  for (size_t j = 0; j < lens.size(); ++j)
    t.narrow(0, 0, lens[j]).select(1, static_cast<int64_t>(j)).copy_(torch::randint(4, 30, {lens[j]}, torch::kInt64));
  return t;
}

class Seq2SeqModels : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

TEST_P(Seq2SeqModels, ShapesAndExtraPaddingChangesNothing) {
  const auto [arch, bidir] = GetParam();
  torch::manual_seed(1);
  auto m = make_seq2seq_model(small_spec(arch, bidir));
  m->eval();
  const torch::Tensor src = sources({5, 3, 7}, 7);
  DecoderState s = m->encode(src);
  EXPECT_EQ(s.hidden.sizes(), (std::vector<int64_t>{2, 3, 10}));
  // The state holds only what step() reads (beam search reorders all of it
  // every step): the attention model the outputs, their keys and the padding
  // bias; the plain model nothing of the source.
  EXPECT_FALSE(s.source.mask.defined());
  if (arch == "seq2seq_attn") {
    EXPECT_EQ(s.source.outputs.sizes(), (std::vector<int64_t>{7, 3, bidir ? 16 : 8}));
    EXPECT_TRUE(s.source.outputs[4][1].abs().sum().item<double>() == 0.0) << "outputs at pads are zero";
    EXPECT_EQ(s.source.keys.sizes(), (std::vector<int64_t>{7, 3, 10}));
    EXPECT_EQ(s.source.score_bias.sizes(), (std::vector<int64_t>{7, 3}));
  } else {
    EXPECT_FALSE(s.source.outputs.defined() || s.source.keys.defined() || s.source.score_bias.defined());
  }
  DecoderStep step = m->step(s, torch::full({3}, 2, torch::kInt64));
  EXPECT_EQ(step.logits.sizes(), (std::vector<int64_t>{3, 40}));
  // The same sentences with three more pad rows: same state, same logits.
  DecoderState s2 = m->encode(torch::cat({src, torch::ones({3, 3}, torch::kInt64)}));
  EXPECT_TRUE(torch::allclose(s2.hidden, m->encode(src).hidden, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(m->step(s2, torch::full({3}, 2, torch::kInt64)).logits, step.logits, 1e-5, 1e-6));
  // A sentence alone decodes as it does in the batch (rows never interact).
  DecoderState one = m->encode(src.narrow(1, 1, 1).narrow(0, 0, 3));
  EXPECT_TRUE(torch::allclose(m->step(one, torch::full({1}, 2, torch::kInt64)).logits[0], step.logits[1], 1e-5, 1e-6));
}

TEST_P(Seq2SeqModels, SelectReordersTheStateRows) {
  const auto [arch, bidir] = GetParam();
  torch::manual_seed(2);
  auto m = make_seq2seq_model(small_spec(arch, bidir));
  m->eval();
  DecoderState s = m->encode(sources({4, 6}, 6));
  DecoderState r = s;
  m->select(r, torch::tensor({1, 1, 0}, torch::kInt64));
  const torch::Tensor prev = torch::full({2}, 2, torch::kInt64);
  const torch::Tensor a = m->step(s, prev).logits, b = m->step(r, torch::full({3}, 2, torch::kInt64)).logits;
  EXPECT_TRUE(torch::allclose(b[0], a[1]) && torch::allclose(b[1], a[1]) && torch::allclose(b[2], a[0]));
}

TEST_P(Seq2SeqModels, OutputLayerIsTiedToTheDecoderEmbedding) {
  const auto [arch, bidir] = GetParam();
  auto m = make_seq2seq_model(small_spec(arch, bidir));
  size_t n = 0;
  for (const auto& g : m->layer_groups()) n += g.size();
  EXPECT_EQ(n, m->parameters().size()) << "every parameter in exactly one group";
  for (const auto& p : m->named_parameters()) EXPECT_EQ(p.key().find("out_weight"), std::string::npos) << p.key();
  Seq2SeqSpec untied = small_spec(arch, bidir);
  untied.tie_weights = false;
  EXPECT_EQ(make_seq2seq_model(untied)->parameters().size(), m->parameters().size() + 1);
}

INSTANTIATE_TEST_SUITE_P(All, Seq2SeqModels,
                         ::testing::Combine(::testing::Values("seq2seq_rnn", "seq2seq_attn"), ::testing::Bool()));

TEST(Seq2SeqAttn, WeightsSumToOneOverRealSourceTokensAndZeroOnPads) {
  torch::manual_seed(3);
  auto m = make_seq2seq_model(small_spec("seq2seq_attn", true));
  m->eval();
  DecoderState s = m->encode(sources({2, 5, 4}, 5));
  for (int t = 0; t < 3; ++t) {
    const torch::Tensor a = m->step(s, torch::full({3}, 5, torch::kInt64)).attention;  // (B, S)
    ASSERT_EQ(a.sizes(), (std::vector<int64_t>{3, 5}));
    EXPECT_TRUE(torch::allclose(a.sum(1), torch::ones({3}), 1e-6, 1e-6));
    EXPECT_EQ(a[0].narrow(0, 2, 3).sum().item<double>(), 0.0);
    EXPECT_EQ(a[2][4].item<double>(), 0.0);
    EXPECT_GT(a[1].min().item<double>(), 0.0);
  }
  auto plain = make_seq2seq_model(small_spec("seq2seq_rnn", false));
  DecoderState p = plain->encode(sources({2}, 2));
  EXPECT_FALSE(plain->step(p, torch::full({1}, 2, torch::kInt64)).attention.defined());
}

TEST(Seq2SeqModelRegistry, UnknownArchitectureIsAUserError) {
  EXPECT_THROW(make_seq2seq_model(small_spec("transformer9", false)), std::exception);
}

}  // namespace
}  // namespace parlance
