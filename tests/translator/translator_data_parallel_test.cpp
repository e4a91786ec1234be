// The translator's data-parallel invariant, under mpirun with 1, 2 and 3
// ranks, on the real French–English question pairs: W ranks with bs b (each
// its slice of the global batch, the same teacher-forcing draws, the loss
// normalized by the global batch's target tokens) give the gradients and the
// Adam step of 1 process with bs W·b, to 1e-5 relative (computed in fp64).
// PARLANCE_FR_EN names the prepared file (tests/CMakeLists.txt prepares it).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>

#include "comm/communicator.h"
#include "comm/gradient_reducer.h"
#include "translator/translator_task.h"

namespace parlance {
namespace {

double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-12)).item<double>();
}

TrainConfig recipe(const std::string& data, int64_t bs, const std::string& arch) {
  TrainConfig c;
  c.task = "translator";
  c.data = data;
  c.bs = bs;
  c.model.arch = arch;
  c.model.hidden = 8;
  c.model.layers = 2;
  c.seq2seq.src_emb = 6;
  c.seq2seq.tgt_emb = 10;
  c.seq2seq.bidirectional = true;
  // Dropout masks differ per rank by design; the invariant is about everything else.
  c.seq2seq.enc_embed_p = c.seq2seq.enc_hidden_p = c.seq2seq.bridge_p = c.seq2seq.dec_hidden_p = c.seq2seq.dec_output_p = 0;
  c.translator.direction = "tgt_to_src";
  c.translator.teacher_forcing_epochs = 2;  // mid-epoch: some positions forced, some fed the prediction
  return c;
}

class TranslatorDataParallel : public ::testing::TestWithParam<std::string> {};

TEST_P(TranslatorDataParallel, NRanksWithBsBEqualOneProcessWithBsNb) {
  const char* data = std::getenv("PARLANCE_FR_EN");
  ASSERT_TRUE(data) << "PARLANCE_FR_EN must name the prepared fr_en_questions file";
  if (!std::filesystem::exists(data)) GTEST_SKIP() << data << " not prepared (../shared/data/fra-eng absent)";
  auto comm = make_communicator("mpi");
  const int n = comm->size(), r = comm->rank();
  struct Fp64 {
    Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<double>()); }
    ~Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<float>()); }
  } fp64;
  const int64_t global_bs = 6;
  TaskContext mine_ctx{r, n, torch::kCPU, false, comm.get(), nullptr};
  TranslatorTask mine(recipe(data, global_bs / n, GetParam()), mine_ctx);
  TranslatorTask ref(recipe(data, global_bs, GetParam()), TaskContext{});
  mine.begin_epoch(0);
  ref.begin_epoch(0);
  const int64_t step = ref.steps_in_epoch(0) / 2;
  ASSERT_EQ(mine.steps_in_epoch(0), ref.steps_in_epoch(0));

  auto model = mine.model(), ref_model = ref.model();
  GradientReducer reducer(*comm, model->parameters(), 2048, 8192);
  model->train();
  ref_model->train();
  reducer.prepare(true);
  StepLoss l = mine.step(step);
  l.objective.backward();
  reducer.finalize();
  StepLoss rl = ref.step(step);
  rl.objective.backward();
  EXPECT_EQ(static_cast<int64_t>(sum_over_ranks(*comm, {static_cast<double>(l.count)})[0]), rl.count);
  EXPECT_NEAR(sum_over_ranks(*comm, {l.sum.item<double>()})[0], rl.sum.item<double>(), 1e-8 * rl.sum.item<double>());

  auto got = model->named_parameters(), want = ref_model->named_parameters();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()].grad(), p.value().grad()), 1e-5) << p.key();
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  torch::optim::Adam ref_opt(ref_model->parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  opt.step();
  ref_opt.step();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()], p.value()), 1e-5) << p.key();
}

INSTANTIATE_TEST_SUITE_P(Models, TranslatorDataParallel, ::testing::Values("seq2seq_rnn", "seq2seq_attn"));

}  // namespace
}  // namespace parlance
