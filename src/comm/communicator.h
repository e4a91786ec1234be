#pragma once
// One interface for the collectives training needs, with two real backends
// behind it (as in Marian): MPI for CPU tensors, NCCL for CUDA tensors. The
// gradient reducer and the trainer only ever see this interface.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace parlance {

enum class ReduceOp { Sum, Avg };

// A collective in flight. wait() returns once the result is in the tensor
// (for NCCL: once the compute stream is ordered after it; no host sync).
class CommWork {
 public:
  virtual ~CommWork() = default;
  virtual void wait() = 0;
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;  // rank among the processes of this node
  virtual std::string backend() const = 0;
  // Whether allreduce_async may be started from a thread other than the one
  // that made this communicator (autograd's CUDA device thread runs gradient
  // hooks). Where not, the reducer starts the buckets from finalize() instead.
  // NCCL enqueues on a stream from any thread.
  virtual bool serves_any_thread() const { return true; }

  // In place on a contiguous tensor; every rank must call in the same order.
  virtual std::unique_ptr<CommWork> allreduce_async(torch::Tensor& t, ReduceOp op) = 0;
  void allreduce(torch::Tensor& t, ReduceOp op) { allreduce_async(t, op)->wait(); }
  virtual void broadcast(torch::Tensor& t, int root) = 0;
  // Every rank's `t` (same shape everywhere), stacked along a new first dimension.
  virtual torch::Tensor allgather(const torch::Tensor& t) = 0;
  virtual void barrier() = 0;
};

// Host-side conveniences over any backend. Each is one collective, called by
// every rank in the same order.
// Every rank's values summed elementwise, on every rank (fp64; metrics sums).
std::vector<double> sum_over_ranks(Communicator& comm, const std::vector<double>& values);
// Every rank's `t` (same shape everywhere) stacked along a new first
// dimension, on the host: what rank 0 writes into a checkpoint.
torch::Tensor gather_on_host(Communicator& comm, const torch::Tensor& t);

// "mpi" or "nccl" (which one a training run takes: train/device_choice.h).
// MPI must already be initialized (mpi::World).
std::unique_ptr<Communicator> make_communicator(const std::string& backend);

}  // namespace parlance
