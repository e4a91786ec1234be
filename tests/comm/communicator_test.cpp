// Runs under mpirun (ctest starts it with 2 and 3 ranks). Only rank 0 prints
// the gtest report; every rank's result decides the exit status.
#include <gtest/gtest.h>
#include <mpi.h>
#include <torch/torch.h>

#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "util/error.h"

namespace parlance {
namespace {

std::unique_ptr<Communicator> comm() { return make_communicator("mpi"); }

TEST(MpiCommunicator, RankSizeLocalRank) {
  auto c = comm();
  EXPECT_EQ(c->rank(), mpi::rank());
  EXPECT_EQ(c->size(), mpi::size());
  EXPECT_EQ(c->local_rank(), c->rank());  // one node here
  EXPECT_EQ(c->backend(), "mpi");
}

TEST(MpiCommunicator, AllreduceSumAndAverageInPlace) {
  auto c = comm();
  const int n = c->size(), r = c->rank();
  for (auto dtype : {torch::kFloat32, torch::kFloat64, torch::kInt64}) {
    torch::Tensor t = torch::arange(10, torch::TensorOptions().dtype(dtype)) * (r + 1);
    c->allreduce(t, ReduceOp::Sum);
    EXPECT_TRUE(torch::equal(t, torch::arange(10, torch::TensorOptions().dtype(dtype)) * (n * (n + 1) / 2)));
  }
  torch::Tensor f = torch::full({1000}, static_cast<double>(r));
  c->allreduce(f, ReduceOp::Avg);
  EXPECT_TRUE(torch::allclose(f, torch::full({1000}, (n - 1) / 2.0)));
}

TEST(MpiCommunicator, AsyncAllreducesCompleteInAnyWaitOrder) {
  auto c = comm();
  std::vector<torch::Tensor> ts;
  std::vector<std::unique_ptr<CommWork>> works;
  for (int k = 0; k < 4; ++k) {
    ts.push_back(torch::full({1 << 16}, static_cast<float>(k + c->rank())));
    works.push_back(c->allreduce_async(ts.back(), ReduceOp::Sum));
  }
  for (int k = 3; k >= 0; --k) works[static_cast<size_t>(k)]->wait();
  const int n = c->size();
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(ts[static_cast<size_t>(k)][0].item<float>(), static_cast<float>(k * n + n * (n - 1) / 2));
}

TEST(MpiCommunicator, BroadcastAllgatherBarrier) {
  auto c = comm();
  torch::Tensor t = c->rank() == 0 ? torch::arange(6, torch::kFloat32).reshape({2, 3}) : torch::zeros({2, 3});
  c->broadcast(t, 0);
  EXPECT_TRUE(torch::equal(t, torch::arange(6, torch::kFloat32).reshape({2, 3})));
  torch::Tensor g = c->allgather(torch::full({3}, static_cast<int64_t>(c->rank())));
  ASSERT_EQ(g.sizes(), (std::vector<int64_t>{c->size(), 3}));
  for (int r = 0; r < c->size(); ++r) EXPECT_EQ(g[r][2].item<int64_t>(), r);
  c->barrier();
}

TEST(MpiCommunicator, RejectsTensorsItCannotReduce) {
  auto c = comm();
  torch::Tensor strided = torch::zeros({4, 4}).t();
  EXPECT_THROW(c->allreduce(strided, ReduceOp::Sum), std::invalid_argument);
  EXPECT_THROW(make_communicator("gloo"), UserError);
}

}  // namespace
}  // namespace parlance
