// Runs under mpirun with 2 and 3 ranks. The key invariant: with dropout off,
// one step on N ranks with bs = b each gives the same averaged gradients and
// updated weights as one process with bs = N·b.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <mutex>
#include <thread>

#include "comm/communicator.h"
#include "comm/gradient_reducer.h"
#include "comm/mpi_communicator.h"
#include "comm/mpi_world.h"
#include "models/awd_lstm.h"
#include "lm/lm_loss.h"

namespace parlance {
namespace {

LmSpec spec(double drop_mult) {
  LmSpec s;
  s.vocab = 40, s.emb = 16, s.hidden = 24, s.layers = 3, s.drop_mult = drop_mult;
  return s;
}

void copy_weights(AwdLstm& dst, AwdLstm& src) {
  torch::NoGradGuard g;
  auto sp = src.named_parameters();
  for (auto& p : dst.named_parameters()) p.value().copy_(sp[p.key()]);
}

// ||a - b|| / ||b||: float sums in another order differ in the last bits.
double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-12)).item<double>();
}

TEST(GradientReducer, BucketsInReverseOrderWithCapsAndFrozenParamsSkipped) {
  auto comm = make_communicator("mpi");
  AwdLstm m(spec(0));
  auto params = m.parameters();
  GradientReducer r(*comm, params, /*first=*/4096, /*cap=*/16384);
  auto layout = r.bucket_layout();
  ASSERT_FALSE(layout.empty());
  EXPECT_EQ(layout.front().front(), params.size() - 1);  // the last registered parameter goes first
  size_t prev = params.size();
  for (size_t b = 0; b < layout.size(); ++b) {
    int64_t bytes = 0;
    for (size_t p : layout[b]) {
      EXPECT_LT(p, prev);  // strictly decreasing registration index
      prev = p;
      bytes += params[p].numel() * 4;
    }
    if (layout[b].size() > 1) EXPECT_LE(bytes, b == 0 ? 4096 : 16384);
  }
  params[0].set_requires_grad(false);  // freeze the first layer's input weights
  r.rebuild();
  for (const auto& b : r.bucket_layout())
    for (size_t p : b) EXPECT_NE(p, 0u);
}

TEST(GradientReducer, NRanksWithBsBEqualsOneProcessWithBsNb) {
  auto comm = make_communicator("mpi");
  const int n = comm->size(), r = comm->rank();
  const int64_t b = 3, seq = 7;
  torch::manual_seed(100 + r);  // different initial weights everywhere...
  AwdLstm model(spec(0.0));
  GradientReducer reducer(*comm, model.parameters(), 2048, 8192);
  reducer.broadcast_parameters();  // ...until rank 0's are broadcast
  AwdLstm ref(spec(0.0));
  copy_weights(ref, model);

  torch::manual_seed(7);  // the same global batch on every rank
  auto tokens = torch::randint(0, 40, {seq + 1, n * b}, torch::kInt64);
  auto x = tokens.narrow(0, 0, seq), y = tokens.narrow(0, 1, seq);

  auto state = model.initial_state(b, torch::kCPU);
  reducer.prepare(true);
  auto out = model.forward(x.narrow(1, r * b, b), state);
  lm_loss(out, y.narrow(1, r * b, b), 2.0, 1.0).total.backward();
  reducer.finalize();

  auto ref_state = ref.initial_state(n * b, torch::kCPU);
  lm_loss(ref.forward(x, ref_state), y, 2.0, 1.0).total.backward();

  auto got = model.named_parameters(), want = ref.named_parameters();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()].grad(), p.value().grad()), 1e-5) << p.key();

  torch::optim::Adam opt(model.parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  torch::optim::Adam ref_opt(ref.parameters(), torch::optim::AdamOptions(1e-2).betas({0.8, 0.99}));
  opt.step();
  ref_opt.step();
  for (auto& p : want) EXPECT_LT(max_rel_diff(got[p.key()], p.value()), 1e-5) << p.key();
}

TEST(GradientReducer, AccumulationReducesOnlyTheLastMicroBatch) {
  auto comm = make_communicator("mpi");
  const int n = comm->size(), r = comm->rank();
  const int64_t b = 2, seq = 5;
  torch::manual_seed(11);
  AwdLstm model(spec(0.0));
  GradientReducer reducer(*comm, model.parameters());
  reducer.broadcast_parameters();
  AwdLstm ref(spec(0.0));
  copy_weights(ref, model);
  torch::manual_seed(12);
  auto batches = torch::randint(0, 40, {2, seq + 1, n * b}, torch::kInt64);
  for (int k = 0; k < 2; ++k) {
    auto t = batches[k];
    auto state = model.initial_state(b, torch::kCPU);
    reducer.prepare(/*sync=*/k == 1);
    lm_loss(model.forward(t.narrow(0, 0, seq).narrow(1, r * b, b), state), t.narrow(0, 1, seq).narrow(1, r * b, b), 0, 0)
        .total.backward();
    if (k == 1) reducer.finalize();
    auto ref_state = ref.initial_state(n * b, torch::kCPU);
    lm_loss(ref.forward(t.narrow(0, 0, seq), ref_state), t.narrow(0, 1, seq), 0, 0).total.backward();
  }
  auto got = model.named_parameters();
  for (auto& p : ref.named_parameters())
    EXPECT_LT(max_rel_diff(got[p.key()].grad(), p.value().grad()), 1e-5) << p.key();
}

// The real MPI communicator, noting which thread starts each allreduce, and
// optionally declaring itself bound to the thread that made it.
class ThreadNotingMpi : public MpiCommunicator {
 public:
  explicit ThreadNotingMpi(bool any_thread) : any_thread_(any_thread) {}
  bool serves_any_thread() const override { return any_thread_ && MpiCommunicator::serves_any_thread(); }
  std::unique_ptr<CommWork> allreduce_async(torch::Tensor& t, ReduceOp op) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      callers_.push_back(std::this_thread::get_id());
    }
    return MpiCommunicator::allreduce_async(t, op);
  }
  std::vector<std::thread::id> callers() const { return callers_; }

 private:
  bool any_thread_;
  mutable std::mutex mutex_;
  std::vector<std::thread::id> callers_;
};

// One reduced step whose backward runs on a second thread, as autograd's CUDA
// device thread runs the hooks; finalize() on this thread. Checks the
// gradients against one process with the whole batch; returns how many
// allreduces each thread started (this thread, the backward thread).
std::pair<int, int> step_with_backward_on_another_thread(ThreadNotingMpi& comm) {
  const int n = comm.size(), r = comm.rank();
  const int64_t b = 2, seq = 6;
  torch::manual_seed(21);
  AwdLstm model(spec(0.0));
  GradientReducer reducer(comm, model.parameters(), 2048, 8192);
  AwdLstm ref(spec(0.0));
  copy_weights(ref, model);
  torch::manual_seed(22);
  auto tokens = torch::randint(0, 40, {seq + 1, n * b}, torch::kInt64);
  auto x = tokens.narrow(0, 0, seq), y = tokens.narrow(0, 1, seq);

  auto state = model.initial_state(b, torch::kCPU);
  reducer.prepare(true);
  auto loss = lm_loss(model.forward(x.narrow(1, r * b, b), state), y.narrow(1, r * b, b), 0, 0).total;
  std::thread::id backward_thread;
  std::thread worker([&] {
    backward_thread = std::this_thread::get_id();
    loss.backward();
  });
  worker.join();
  reducer.finalize();

  auto ref_state = ref.initial_state(n * b, torch::kCPU);
  lm_loss(ref.forward(x, ref_state), y, 0, 0).total.backward();
  auto got = model.named_parameters();
  for (auto& p : ref.named_parameters())
    EXPECT_LT(max_rel_diff(got[p.key()].grad(), p.value().grad()), 1e-5) << p.key();

  std::pair<int, int> counts{0, 0};
  for (auto id : comm.callers()) (id == backward_thread ? counts.second : counts.first) += 1;
  EXPECT_EQ(static_cast<size_t>(counts.first + counts.second), reducer.bucket_layout().size());
  return counts;
}

TEST(GradientReducer, HooksOnAnotherThreadStartAllreducesThere) {
  ASSERT_TRUE(mpi::calls_from_any_thread()) << "MPI granted less than MPI_THREAD_SERIALIZED";
  ThreadNotingMpi comm(/*any_thread=*/true);
  auto [main_calls, backward_calls] = step_with_backward_on_another_thread(comm);
  // Every bucket fills during backward, so all start on the backward thread,
  // overlapping it; none is left for finalize.
  EXPECT_EQ(main_calls, 0);
  EXPECT_GT(backward_calls, 1);
}

TEST(GradientReducer, ThreadBoundCommunicatorIsCalledOnlyFromFinalize) {
  ThreadNotingMpi comm(/*any_thread=*/false);
  auto [main_calls, backward_calls] = step_with_backward_on_another_thread(comm);
  EXPECT_EQ(backward_calls, 0);
  EXPECT_GT(main_calls, 1);
}

}  // namespace
}  // namespace parlance
