#pragma once
#include "comm/communicator.h"

namespace parlance {

// Tensors over MPI_COMM_WORLD. Allreduce is MPI_Iallreduce in place, so a
// bucket's reduction overlaps the rest of backward; Avg divides after the sum.
// Made for CPU tensors; CUDA tensors work too, staged through host memory
// (for GPU runs without NCCL; NCCL is the fast path).
class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator();
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  std::string backend() const override { return "mpi"; }
  bool serves_any_thread() const override;
  std::unique_ptr<CommWork> allreduce_async(torch::Tensor& t, ReduceOp op) override;
  void broadcast(torch::Tensor& t, int root) override;
  torch::Tensor allgather(const torch::Tensor& t) override;
  void barrier() override;

 private:
  int rank_, size_, local_rank_;
};

}  // namespace parlance
