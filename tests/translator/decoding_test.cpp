// Decoding loops, the loss and the teacher-forcing schedule of translator/.
#include "translator/decoding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "translator/beam_search.h"
#include "translator/teacher_forcing.h"

namespace parlance {
namespace {

// A seq2seq "model" whose step returns logits read from a table: row
// table[t] at step t for every batch row, and records the inputs it was fed.
// Hand-built so decoding's choices can be checked exactly.
class TableModel : public Seq2SeqModel {
 public:
  explicit TableModel(torch::Tensor table) : table_(std::move(table)) {}
  DecoderState encode(const torch::Tensor& src) override {
    DecoderState s;
    s.hidden = torch::zeros({1, src.size(1), 1});
    return s;
  }
  DecoderStep step(DecoderState& s, const torch::Tensor& prev) override {
    inputs.push_back(prev.clone());
    const int64_t t = static_cast<int64_t>(inputs.size()) - 1;
    return {table_[t].unsqueeze(0).expand({s.hidden.size(1), table_.size(1)}).clone(), {}};
  }
  ParamGroups layer_groups() override { return {}; }
  torch::nn::Embedding& source_embedding() override { return emb_; }
  torch::nn::Embedding& target_embedding() override { return emb_; }
  std::vector<torch::Tensor> inputs;

 private:
  torch::Tensor table_;
  torch::nn::Embedding emb_{1, 1};
};

torch::Tensor one_hot_rows(const std::vector<int64_t>& best, int64_t V) {
  torch::Tensor t = torch::zeros({static_cast<int64_t>(best.size()), V});
  for (size_t i = 0; i < best.size(); ++i) t[static_cast<int64_t>(i)][best[i]] = 5.0;
  return t;
}

TEST(Decoding, TeacherForcingFeedsTheTargetOrTheArgmax) {
  TableModel m(one_hot_rows({7, 8, 9, 3}, 10));
  const torch::Tensor tgt = torch::tensor({4, 5, 6, 3}, torch::kInt64).unsqueeze(1);
  teacher_forced_loss(m, m.encode(torch::zeros({2, 1}, torch::kInt64)), tgt, {true, false, true, true}, 2, 1);
  ASSERT_EQ(m.inputs.size(), 4u);
  EXPECT_EQ(m.inputs[0].item<int64_t>(), 2);  // xxbos
  EXPECT_EQ(m.inputs[1].item<int64_t>(), 4);  // forced: the target of position 0
  EXPECT_EQ(m.inputs[2].item<int64_t>(), 8);  // not forced: the prediction at position 1
  EXPECT_EQ(m.inputs[3].item<int64_t>(), 6);
}

TEST(Decoding, RowsLeaveTheTrainingLoopAfterTheirLastRealTargetToken) {
  TableModel m(one_hot_rows({7, 8, 9, 3}, 10));
  // Targets of lengths 2, 4 and 3 (pad 1 after): the longest row goes first.
  const torch::Tensor tgt = torch::tensor({{4, 4, 4}, {3, 5, 5}, {1, 6, 3}, {1, 3, 1}}, torch::kInt64);
  const Seq2SeqLossSum l =
      teacher_forced_loss(m, m.encode(torch::zeros({2, 3}, torch::kInt64)), tgt, {true, true, true, true}, 2, 1);
  ASSERT_EQ(m.inputs.size(), 4u);
  std::vector<int64_t> rows;
  for (const auto& x : m.inputs) rows.push_back(x.size(0));
  EXPECT_EQ(rows, (std::vector<int64_t>{3, 3, 2, 1}));
  EXPECT_EQ(m.inputs[3][0].item<int64_t>(), 6) << "the longest row (column 1) runs alone at the end";
  EXPECT_EQ(l.count, 9);
}

// A real model in fp64: the loss and every gradient equal those of running
// every row through every position and scoring with seq2seq_loss.
TEST(Decoding, DroppingFinishedRowsChangesNoLossAndNoGradient) {
  struct Fp64 {
    Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<double>()); }
    ~Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<float>()); }
  } fp64;
  torch::manual_seed(3);
  Seq2SeqSpec spec;
  spec.arch = "seq2seq_attn";
  spec.src_vocab = 20, spec.tgt_vocab = 25, spec.src_emb = 6, spec.tgt_emb = 8, spec.hidden = 5, spec.bidirectional = true;
  auto model = make_seq2seq_model(spec);
  model->eval();  // no dropout: both paths see the same function
  // Sources padded at the end too, in another length order than the targets:
  // rows reordered and dropped must take their attention masks with them.
  torch::Tensor src = torch::randint(4, 20, {6, 4}, torch::kInt64);
  const std::vector<int64_t> src_lens = {6, 2, 4, 3};
  for (int64_t b = 0; b < 4; ++b) src.narrow(0, src_lens[b], 6 - src_lens[b]).select(1, b).fill_(1);
  torch::Tensor tgt = torch::randint(4, 25, {7, 4}, torch::kInt64);
  const std::vector<int64_t> lens = {3, 7, 1, 5};
  for (int64_t b = 0; b < 4; ++b) tgt.narrow(0, lens[b], 7 - lens[b]).select(1, b).fill_(1);
  const std::vector<bool> forced = {true, false, false, true, false, true, true};

  const Seq2SeqLossSum fast = teacher_forced_loss(*model, model->encode(src), tgt, forced, 2, 1);
  fast.sum.backward();
  std::vector<torch::Tensor> fast_grads;
  for (auto& p : model->parameters()) fast_grads.push_back(p.grad().clone()), p.mutable_grad().zero_();

  DecoderState state = model->encode(src);
  torch::Tensor prev = torch::full({4}, 2, torch::kInt64);
  std::vector<torch::Tensor> logits;
  for (int64_t t = 0; t < 7; ++t) {
    logits.push_back(model->step(state, prev).logits);
    prev = forced[static_cast<size_t>(t)] ? tgt[t] : logits.back().detach().argmax(1);
  }
  const Seq2SeqLossSum full = seq2seq_loss(torch::stack(logits), tgt, 1);
  full.sum.backward();
  EXPECT_EQ(fast.count, full.count);
  EXPECT_NEAR(fast.sum.item<double>(), full.sum.item<double>(), 1e-10);
  const auto params = model->parameters();
  for (size_t i = 0; i < params.size(); ++i)
    EXPECT_TRUE(torch::allclose(fast_grads[i], params[i].grad(), 1e-9, 1e-12)) << "parameter " << i;
}

TEST(Decoding, GreedyStopsAtEosAndZeroesLaterLogits) {
  TableModel m(one_hot_rows({7, 3, 9, 9, 9}, 10));
  GreedyResult g = greedy_decode(m, m.encode(torch::zeros({2, 2}, torch::kInt64)), 2, 3, 1, 5);
  EXPECT_EQ(g.tokens.size(0), 2) << "stops once every row has produced xxeos";
  EXPECT_EQ(g.tokens[0][0].item<int64_t>(), 7);
  EXPECT_EQ(g.tokens[1][1].item<int64_t>(), 3);
  TableModel never(one_hot_rows({7, 8, 9, 9, 9}, 10));
  EXPECT_EQ(greedy_decode(never, never.encode(torch::zeros({2, 1}, torch::kInt64)), 2, 3, 1, 4).tokens.size(0), 4)
      << "or at max_len";
}

TEST(Seq2SeqLoss, IgnoresPadsAndPadsShortPredictionsWithZeroLogits) {
  torch::manual_seed(0);
  const int64_t V = 6;
  torch::Tensor logits = torch::randn({3, 2, V});
  const torch::Tensor tgt = torch::tensor({{4, 5}, {3, 3}, {1, 2}}, torch::kInt64);  // column 0 ends early: pad
  Seq2SeqLossSum l = seq2seq_loss(logits, tgt, 1);
  EXPECT_EQ(l.count, 5);
  double want = 0;
  auto ce = [&](int64_t t, int64_t b) { return -torch::log_softmax(logits[t][b], 0)[tgt[t][b].item<int64_t>()].item<double>(); };
  for (auto [t, b] : {std::pair{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 1}}) want += ce(t, b);
  EXPECT_NEAR(l.sum.item<double>(), want, 1e-5);
  // Only two predicted positions for three target positions: the third costs log V.
  Seq2SeqLossSum s = seq2seq_loss(logits.narrow(0, 0, 2), tgt, 1);
  EXPECT_NEAR(s.sum.item<double>(), want - ce(2, 1) + std::log(static_cast<double>(V)), 1e-5);
  // Longer predictions are cut to the target.
  EXPECT_NEAR(seq2seq_loss(torch::cat({logits, torch::randn({2, 2, V})}), tgt, 1).sum.item<double>(), want, 1e-5);
}

TEST(Seq2SeqLoss, AccuracyCountsRealTargetTokensOnly) {
  const torch::Tensor tgt = torch::tensor({{4, 5}, {3, 3}, {1, 2}}, torch::kInt64);
  EXPECT_EQ(seq2seq_correct(torch::tensor({{4, 5}, {3, 0}}, torch::kInt64), tgt, 1), 3);
  EXPECT_EQ(seq2seq_correct(torch::tensor({{4, 5}, {3, 3}, {1, 2}}, torch::kInt64), tgt, 1), 5);
}

TEST(TeacherForcing, ProbabilityFallsFromOneToZeroOverItsEpochs) {
  EXPECT_DOUBLE_EQ(teacher_forcing_probability(4, 0, 0, 100), 1.0);
  EXPECT_DOUBLE_EQ(teacher_forcing_probability(4, 1, 50, 100), 1.0 - 1.5 / 4);
  EXPECT_DOUBLE_EQ(teacher_forcing_probability(4, 4, 0, 100), 0.0);
  EXPECT_DOUBLE_EQ(teacher_forcing_probability(4, 9, 3, 100), 0.0);
  EXPECT_DOUBLE_EQ(teacher_forcing_probability(0, 0, 0, 100), 0.0) << "0 epochs: never forced";
}

TEST(TeacherForcing, DrawsDependOnSeedEpochStepOnlyAndFollowTheProbability) {
  EXPECT_EQ(teacher_forcing_draws(0.5, 50, 42, 1, 7), teacher_forcing_draws(0.5, 50, 42, 1, 7));
  EXPECT_NE(teacher_forcing_draws(0.5, 50, 42, 1, 7), teacher_forcing_draws(0.5, 50, 42, 1, 8));
  int forced = 0;
  for (int step = 0; step < 200; ++step)
    for (bool f : teacher_forcing_draws(0.3, 50, 42, 0, step)) forced += f;
  EXPECT_NEAR(forced / 10000.0, 0.3, 0.02);
  for (bool f : teacher_forcing_draws(1.0, 20, 1, 0, 0)) EXPECT_TRUE(f);
  for (bool f : teacher_forcing_draws(0.0, 20, 1, 0, 0)) EXPECT_FALSE(f);
}

}  // namespace
}  // namespace parlance

namespace parlance {
namespace {

// A first-order "translator": the next token's log-probabilities depend on
// the previous token only, log_table[prev]. Its best sequences are known by hand.
class MarkovModel : public Seq2SeqModel {
 public:
  explicit MarkovModel(torch::Tensor probs) : log_table_(probs.log()) {}
  DecoderState encode(const torch::Tensor& src) override {
    DecoderState s;
    s.hidden = torch::zeros({1, src.size(1), 1});
    return s;
  }
  DecoderStep step(DecoderState&, const torch::Tensor& prev) override { return {log_table_.index_select(0, prev), {}}; }
  ParamGroups layer_groups() override { return {}; }
  torch::nn::Embedding& source_embedding() override { return emb_; }
  torch::nn::Embedding& target_embedding() override { return emb_; }

 private:
  torch::Tensor log_table_;
  torch::nn::Embedding emb_{1, 1};
};

TEST(BeamSearch, FindsTheBestSequenceGreedyMisses) {
  // Tokens: 0 unk, 1 pad, 2 bos, 3 eos, 4 a, 5 b. From bos: a 0.6, b 0.4.
  // From a: eos 0.35, a 0.33, b 0.32. From b: eos 0.99, a 0.01. Greedy: "a" (mean
  // log-prob (ln .6 + ln .35) / 2 = -0.78); the best is "b" ((ln .4 + ln .99) / 2 = -0.46).
  torch::Tensor p = torch::full({6, 6}, 1e-9, torch::kFloat64);
  p[2][4] = 0.6, p[2][5] = 0.4;
  p[4][3] = 0.35, p[4][4] = 0.33, p[4][5] = 0.32;
  p[5][3] = 0.99, p[5][4] = 0.01;
  MarkovModel m(p);
  const torch::Tensor src = torch::zeros({1, 2}, torch::kInt64);
  GreedyResult g = greedy_decode(m, m.encode(src), 2, 3, 1, 10);
  EXPECT_EQ(g.tokens[0][0].item<int64_t>(), 4);
  const auto beam = beam_search(m, m.encode(src), 2, 2, 3, 10);
  ASSERT_EQ(beam.size(), 2u);
  for (const auto& t : beam) {
    EXPECT_EQ(t.tokens, (std::vector<int64_t>{5}));
    EXPECT_NEAR(t.score, (std::log(0.4) + std::log(0.99)) / 2, 1e-6);
  }
  EXPECT_EQ(beam_search(m, m.encode(src), 1, 2, 3, 10)[0].tokens, (std::vector<int64_t>{4})) << "beam 1 is greedy";
}

TEST(BeamSearch, BeamOneEqualsGreedyOnARealModel) {
  Seq2SeqSpec s;
  s.arch = "seq2seq_attn";
  s.src_vocab = 30, s.tgt_vocab = 12, s.src_emb = 6, s.tgt_emb = 8, s.hidden = 8, s.layers = 2;
  s.bidirectional = true;
  torch::manual_seed(4);
  auto m = make_seq2seq_model(s);
  m->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor src = torch::randint(4, 30, {6, 5}, torch::kInt64);
  GreedyResult g = greedy_decode(*m, m->encode(src), 2, 3, 1, 9);
  const auto b = beam_search(*m, m->encode(src), 1, 2, 3, 9);
  for (int64_t j = 0; j < 5; ++j) {
    std::vector<int64_t> want;
    for (int64_t t = 0; t < g.tokens.size(0) && g.tokens[t][j].item<int64_t>() != 3 && g.tokens[t][j].item<int64_t>() != 1; ++t)
      want.push_back(g.tokens[t][j].item<int64_t>());
    EXPECT_EQ(b[static_cast<size_t>(j)].tokens, want) << "row " << j;
    EXPECT_EQ(b[static_cast<size_t>(j)].attention.size(1), 6);
  }
}

}  // namespace
}  // namespace parlance
