#include "models/awd_lstm.h"

#include <gtest/gtest.h>

#include "lm/lm_loss.h"
#include "util/error.h"

namespace parlance {
namespace {

LmSpec small(double drop_mult = 1.0) {
  LmSpec s;
  s.vocab = 50, s.emb = 8, s.hidden = 12, s.layers = 3, s.drop_mult = drop_mult;
  return s;
}

TEST(LockedDropout, OneMaskSharedAcrossTimeScaledAndOffInEval) {
  torch::manual_seed(0);
  auto x = torch::ones({7, 4, 32});
  auto y = locked_dropout(x, 0.5, true);
  for (int64_t t = 1; t < 7; ++t) EXPECT_TRUE(torch::equal(y[t], y[0]));
  EXPECT_TRUE(torch::all((y == 0) | (y == 2.0)).item<bool>());
  EXPECT_GT((y[0] == 0).sum().item<int64_t>(), 0);
  EXPECT_TRUE(torch::equal(locked_dropout(x, 0.5, false), x));
}

TEST(EmbeddingDropout, DropsWholeRows) {
  torch::manual_seed(1);
  auto w = torch::ones({100, 6});
  auto d = embedding_dropout(w, 0.3, true);
  auto row_zero = (d == 0).all(1), row_kept = (d == 1.0 / 0.7).all(1);
  EXPECT_TRUE(torch::all(row_zero | row_kept).item<bool>());
  EXPECT_GT(row_zero.sum().item<int64_t>(), 10);
}

TEST(AwdLstm, WeightDropIsFreshEachForwardAndOffInEval) {
  torch::manual_seed(2);
  AwdLstm m(small());
  auto state = m.initial_state(3, torch::kCPU);
  auto tokens = torch::randint(0, 50, {5, 3}, torch::kInt64);
  m.train();
  m.forward(tokens, state);
  auto first = m.awd_encoder().last_w_hh(0).clone();
  m.forward(tokens, state);
  EXPECT_FALSE(torch::equal(first, m.awd_encoder().last_w_hh(0)));
  double p = 0.2;
  auto zeros = (first == 0).to(torch::kFloat32).mean().item<double>();
  EXPECT_NEAR(zeros, p, 0.05);  // DropConnect on individual weights
  m.eval();
  m.forward(tokens, state);
  EXPECT_TRUE(torch::equal(m.awd_encoder().last_w_hh(0), m.named_parameters()["encoder.rnn0_weight_hh_l0_raw"]));
}

TEST(AwdLstm, StateCarriesAcrossBatchesAndDecoderIsTied) {
  torch::manual_seed(3);
  AwdLstm m(small());
  m.eval();
  auto tokens = torch::randint(0, 50, {10, 2}, torch::kInt64);
  auto s1 = m.initial_state(2, torch::kCPU);
  auto whole = m.forward(tokens, s1).logits();
  auto s2 = m.initial_state(2, torch::kCPU);
  auto a = m.forward(tokens.narrow(0, 0, 4), s2).logits();
  auto b = m.forward(tokens.narrow(0, 4, 6), s2).logits();
  EXPECT_TRUE(torch::allclose(torch::cat({a, b}), whole, 1e-5, 1e-6));
  // No separate decoder weight: the logits use the embedding matrix.
  EXPECT_EQ(m.named_parameters().find("decoder.weight"), nullptr);
  EXPECT_EQ(whole.size(2), 50);
  auto params = m.named_parameters();
  {
    torch::NoGradGuard g;
    params["encoder.embedding"].mul_(2);
  }
  auto s3 = m.initial_state(2, torch::kCPU);
  EXPECT_FALSE(torch::allclose(m.forward(tokens, s3).logits(), whole));
}

TEST(AwdLstm, IsEncoderPlusHeadAndWorksUntied) {
  torch::manual_seed(5);
  AwdLstm tied(small());
  auto enc = tied.encoder();
  ASSERT_NE(enc, nullptr);
  EXPECT_NE(enc->named_parameters().find("embedding"), nullptr);
  EXPECT_EQ(enc->named_parameters().find("bias"), nullptr);  // the decoder is not part of the encoder
  EXPECT_EQ(tied.named_parameters().size(), enc->named_parameters().size() + 1);  // + decoder.bias
  LmSpec s = small();
  s.tie_weights = false;  // the last layer keeps the hidden size; the decoder has its own weight
  AwdLstm untied(s);
  ASSERT_NE(untied.named_parameters().find("decoder.weight"), nullptr);
  EXPECT_EQ(untied.named_parameters()["decoder.weight"].sizes(), (std::vector<int64_t>{50, 12}));
  auto state = untied.initial_state(2, torch::kCPU);
  auto logits = untied.forward(torch::randint(0, 50, {4, 2}, torch::kInt64), state).logits();
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{4, 2, 50}));
  size_t grouped = 0;
  for (const auto& g : untied.layer_groups()) grouped += g.size();
  EXPECT_EQ(grouped, untied.parameters().size());  // every parameter in exactly one group
}

TEST(LmLoss, ArTarMatchTheirFormulas) {
  auto dropped = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).reshape({2, 1, 2});
  auto raw = torch::tensor({1.0f, 1.0f, 2.0f, 4.0f}).reshape({2, 1, 2});
  EXPECT_FLOAT_EQ(activation_reg(dropped, 2.0).item<float>(), 2.0f * (1 + 4 + 9 + 16) / 4.0f);
  EXPECT_FLOAT_EQ(temporal_activation_reg(raw, 1.0).item<float>(), (1.0f + 9.0f) / 2.0f);
  // Zero decoder weights: uniform logits over 5 words.
  LmOutput out{dropped, raw, torch::zeros({5, 2}), torch::zeros({5})};
  auto l = lm_loss(out, torch::zeros({2, 1}, torch::kInt64), 2.0, 1.0);
  EXPECT_NEAR(l.ce.item<float>(), std::log(5.0f), 1e-6);
  EXPECT_NEAR(l.total.item<float>(), std::log(5.0f) + 15.0f + 5.0f, 1e-5);
}

TEST(Lesson7Models, StateCarriesAcrossBatchesForEveryCell) {
  for (const char* arch : {"rnn", "gru", "lstm"}) {
    torch::manual_seed(4);
    LmSpec s = small();
    s.arch = arch, s.emb = 12, s.hidden = 12, s.layers = 2;
    auto m = make_language_model(s);
    m->eval();
    auto tokens = torch::randint(0, 50, {9, 3}, torch::kInt64);
    auto s1 = m->initial_state(3, torch::kCPU);
    auto whole = m->forward(tokens, s1).logits();
    auto s2 = m->initial_state(3, torch::kCPU);
    auto a = m->forward(tokens.narrow(0, 0, 5), s2).logits();
    auto b = m->forward(tokens.narrow(0, 5, 4), s2).logits();
    EXPECT_TRUE(torch::allclose(torch::cat({a, b}), whole, 1e-5, 1e-6)) << arch;
    EXPECT_EQ(whole.sizes(), (std::vector<int64_t>{9, 3, 50})) << arch;
    EXPECT_EQ(m->named_parameters().find("decoder_weight"), nullptr) << arch;  // tied: emb == hidden
    EXPECT_EQ(m->layer_groups().size(), 3u);
  }
}

TEST(LanguageModelRegistry, UnknownArchIsAnError) {
  LmSpec s = small();
  s.arch = "transformer_xl";
  EXPECT_THROW(make_language_model(s), UserError);
  s.arch = "awd_lstm";
  EXPECT_NE(make_language_model(s), nullptr);
}

}  // namespace
}  // namespace parlance
