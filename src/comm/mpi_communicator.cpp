#include "comm/mpi_communicator.h"

#include <mpi.h>

#include "comm/collective_watchdog.h"
#include "comm/mpi_check.h"
#include "comm/mpi_world.h"

#include <stdexcept>

namespace parlance {
namespace {

MPI_Datatype mpi_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32: return MPI_FLOAT;
    case torch::kFloat64: return MPI_DOUBLE;
    case torch::kInt64: return MPI_INT64_T;
    case torch::kInt32: return MPI_INT32_T;
    case torch::kUInt8: return MPI_UINT8_T;
    default: throw std::invalid_argument("MpiCommunicator: unsupported dtype " + std::string(c10::toString(t.scalar_type())));
  }
}

void require_contiguous(const torch::Tensor& t, const char* what) {
  if (!t.is_contiguous()) throw std::invalid_argument(std::string("MpiCommunicator::") + what + " needs a contiguous tensor");
}

// MPI reads host memory: a tensor on another device (CUDA without NCCL)
// travels through a host copy, made after the work queued on it so far.
torch::Tensor on_host(const torch::Tensor& t) { return t.is_cpu() ? t : t.to(torch::kCPU); }

class MpiWork : public CommWork {
 public:
  // `t`: the host buffer MPI reduces in place; `target`: where the result goes.
  MpiWork(torch::Tensor t, torch::Tensor target, ReduceOp op, int size)
      : t_(std::move(t)), target_(std::move(target)), op_(op), size_(size) {}
  MPI_Request* request() { return &req_; }
  void wait() override {
    if (done_) return;
    {
      WaitingFor w("a tensor allreduce (gradients or metrics)");
      PARLANCE_MPI_CHECK(MPI_Wait(&req_, MPI_STATUS_IGNORE));
    }
    done_ = true;
    if (op_ == ReduceOp::Avg) {
      if (t_.is_floating_point())
        t_.div_(size_);
      else
        t_.floor_divide_(size_);
    }
    if (!target_.is_same(t_)) target_.copy_(t_);
  }
  ~MpiWork() override {
    if (!done_) MPI_Wait(&req_, MPI_STATUS_IGNORE);  // never free a buffer MPI still writes
  }

 private:
  torch::Tensor t_, target_;
  ReduceOp op_;
  int size_;
  MPI_Request req_ = MPI_REQUEST_NULL;
  bool done_ = false;
};

}  // namespace

MpiCommunicator::MpiCommunicator() {
  PARLANCE_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
  PARLANCE_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &size_));
  local_rank_ = mpi::local_rank();
}

bool MpiCommunicator::serves_any_thread() const { return mpi::calls_from_any_thread(); }

std::unique_ptr<CommWork> MpiCommunicator::allreduce_async(torch::Tensor& t, ReduceOp op) {
  require_contiguous(t, "allreduce");
  torch::Tensor host = on_host(t);
  auto work = std::make_unique<MpiWork>(host, t, op, size_);
  PARLANCE_MPI_CHECK(MPI_Iallreduce(MPI_IN_PLACE, host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host),
                                    MPI_SUM, MPI_COMM_WORLD, work->request()));
  return work;
}

void MpiCommunicator::broadcast(torch::Tensor& t, int root) {
  require_contiguous(t, "broadcast");
  torch::Tensor host = on_host(t);
  WaitingFor w("a tensor broadcast");
  PARLANCE_MPI_CHECK(MPI_Bcast(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), root, MPI_COMM_WORLD));
  if (!host.is_same(t)) t.copy_(host);
}

torch::Tensor MpiCommunicator::allgather(const torch::Tensor& t) {
  require_contiguous(t, "allgather");
  torch::Tensor host = on_host(t);
  std::vector<int64_t> shape{size_};
  for (auto d : t.sizes()) shape.push_back(d);
  torch::Tensor out = torch::empty(shape, host.options());
  WaitingFor w("a tensor allgather");
  PARLANCE_MPI_CHECK(MPI_Allgather(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), out.data_ptr(),
                                   static_cast<int>(host.numel()), mpi_type(host), MPI_COMM_WORLD));
  return out.to(t.device());
}

void MpiCommunicator::barrier() {
  WaitingFor w("a barrier");
  PARLANCE_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
}

}  // namespace parlance
