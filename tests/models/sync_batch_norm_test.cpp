// SyncBatchNorm1d under mpirun (1, 2, 3 ranks): each rank holds a slice of one
// global batch; outputs, input gradients, parameter gradients (summed over
// ranks) and running statistics equal torch::nn::BatchNorm1d on the whole batch.
#include "models/sync_batch_norm.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace parlance {
namespace {

double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm().clamp_min(1e-12)).item<double>();
}

TEST(SyncBatchNorm, RanksTogetherEqualOneBatchNormOverTheGlobalBatch) {
  auto comm = make_communicator("mpi");
  const int n = comm->size(), r = comm->rank();
  const int64_t b = 4, f = 5;
  torch::manual_seed(3);
  auto x_all = (torch::randn({n * b, f}) * 3 + 10).requires_grad_(true);  // a large mean: two-pass variance matters
  auto w_out = torch::randn({n * b, f});                                     // a loss that weighs each output

  torch::nn::BatchNorm1d ref(f);
  ref->train();
  auto y_ref = ref->forward(x_all);
  (y_ref * w_out).sum().backward();

  SyncBatchNorm1d bn(f);
  bn.set_communicator(comm.get());
  bn.train();
  auto x = x_all.detach().narrow(0, r * b, b).clone().requires_grad_(true);
  auto y = bn.forward(x);
  (y * w_out.narrow(0, r * b, b)).sum().backward();

  EXPECT_LT(max_rel_diff(y, y_ref.detach().narrow(0, r * b, b)), 1e-5);
  EXPECT_LT(max_rel_diff(x.grad(), x_all.grad().narrow(0, r * b, b)), 1e-4);
  auto params = bn.named_parameters();
  for (const char* name : {"weight", "bias"}) {
    torch::Tensor g = params[name].grad().clone();
    comm->allreduce(g, ReduceOp::Sum);  // the reducer's job in training (it averages; the loss here is a sum)
    EXPECT_LT(max_rel_diff(g, ref->named_parameters()[name].grad()), 1e-5) << name;
  }
  auto buffers = bn.named_buffers();
  EXPECT_LT(max_rel_diff(buffers["running_mean"], ref->running_mean), 1e-5);
  EXPECT_LT(max_rel_diff(buffers["running_var"], ref->running_var), 1e-5);

  bn.eval();
  ref->eval();
  EXPECT_LT(max_rel_diff(bn.forward(x_all.detach()), ref->forward(x_all.detach())), 1e-5);
}

// One row per rank: a global batch of 1 on one rank is refused with a user
// error (BatchNorm cannot normalize it); 2 or 3 ranks together have enough.
TEST(SyncBatchNorm, ASingleRowOverAllRanksIsAUserError) {
  auto comm = make_communicator("mpi");
  SyncBatchNorm1d bn(3);
  bn.set_communicator(comm.get());
  bn.train();
  const torch::Tensor x = torch::randn({1, 3}) + comm->rank();
  if (comm->size() < 2) {
    try {
      bn.forward(x);
      FAIL() << "one row normalized";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("(got 1): raise train.bs"), std::string::npos) << e.what();
    }
  } else {
    const torch::Tensor y = bn.forward(x);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    EXPECT_EQ(bn.named_buffers()["num_batches_tracked"].item<int64_t>(), 1);
  }
}

}  // namespace
}  // namespace parlance
