// The classifier's data-parallel invariant, under mpirun with 1, 2 and 3
// ranks: W ranks with bs b (each its slice of the global batch, padded to the
// global batch's longest document, BatchNorm over the global batch) give the
// gradients, the BatchNorm statistics and the Adam step of 1 process with bs W·b
// (to 1e-5 relative; computed in fp64).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "classifier/classifier_task.h"
#include "classifier/labelled_docs.h"
#include "classifier/text_classifier.h"
#include "comm/communicator.h"
#include "comm/gradient_reducer.h"

namespace parlance {
namespace {

double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-12)).item<double>();
}

LmSpec encoder_spec() {
  LmSpec s;
  s.vocab = 50;
  s.emb = 8;
  s.hidden = 12;
  s.layers = 2;
  s.drop_mult = 0;  // dropout masks differ per rank by design; the invariant is about everything else
  s.pad_idx = 1;
  return s;
}

TEST(ClassifierDataParallel, NRanksWithBsBEqualOneProcessWithBsNb) {
  auto comm = make_communicator("mpi");
  const int n = comm->size(), r = comm->rank();
  const int64_t b = 3;
  // In fp64: the invariant is exact math; in fp32 the head's BatchNorm over a
  // few rows amplifies the last-bit differences of batch-size-dependent GEMMs.
  struct Fp64 {
    Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<double>()); }
    ~Fp64() { torch::set_default_dtype(caffe2::TypeMeta::Make<float>()); }
  } fp64;
  const HeadSpec head{{6}, 0.0};
  torch::manual_seed(5);
  TextClassifier model(encoder_spec(), head, 3);
  model.set_communicator(comm.get());
  torch::manual_seed(5);
  TextClassifier ref(encoder_spec(), head, 3);  // one process, no communicator

  // The same global batch everywhere: lengths 3..40 (several bptt chunks, some
  // beyond max_len), tokens above the pad id.
  torch::manual_seed(7);
  std::vector<std::vector<int64_t>> docs;
  std::vector<int32_t> labels;
  for (int64_t i = 0; i < n * b; ++i) {
    const int64_t len = torch::randint(3, 41, {1}).item<int64_t>();
    auto t = torch::randint(2, 50, {len}, torch::kInt64);
    docs.emplace_back(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + len);
    labels.push_back(static_cast<int32_t>(torch::randint(0, 3, {1}).item<int64_t>()));
  }
  const LabelledDocs all = LabelledDocs::from_docs(docs, labels, false);
  std::vector<int64_t> global(static_cast<size_t>(n * b)), mine;
  for (int64_t i = 0; i < n * b; ++i) global[static_cast<size_t>(i)] = i;
  for (int64_t i = r * b; i < (r + 1) * b; ++i) mine.push_back(i);
  const int64_t longest = all.longest(global), bptt = 8, max_len = 16;

  GradientReducer reducer(*comm, model.parameters(), 2048, 8192);
  model.train();
  ref.train();
  reducer.prepare(true);
  DocBatch mb = all.batch(mine, 1, longest);
  classifier_loss(model.forward(mb.tokens, bptt, max_len), mb.labels, 2.0, 1.0).objective.backward();
  reducer.finalize();
  DocBatch rb = all.batch(global, 1);
  classifier_loss(ref.forward(rb.tokens, bptt, max_len), rb.labels, 2.0, 1.0).objective.backward();

  auto got = model.named_parameters(), want = ref.named_parameters();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()].grad(), p.value().grad()), 1e-5) << p.key();
  auto got_buf = model.named_buffers(), want_buf = ref.named_buffers();
  for (auto& p : want_buf)
    if (p.value().is_floating_point()) EXPECT_LT(max_rel_diff(got_buf[p.key()], p.value()), 1e-5) << p.key();

  torch::optim::Adam opt(model.parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  torch::optim::Adam ref_opt(ref.parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  opt.step();
  ref_opt.step();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()], p.value()), 1e-5) << p.key();
}

}  // namespace
}  // namespace parlance
