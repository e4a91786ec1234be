#include "dist/mpi_communicator.h"

#include <mpi.h>

#include <stdexcept>

namespace parlance {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

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
    check(MPI_Wait(&req_, MPI_STATUS_IGNORE), "MPI_Wait");
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

int mpi_local_rank() {
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  int r = 0;
  MPI_Comm_rank(node, &r);
  MPI_Comm_free(&node);
  return r;
}

MpiCommunicator::MpiCommunicator() {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  local_rank_ = mpi_local_rank();
}

std::unique_ptr<CommWork> MpiCommunicator::allreduce_async(torch::Tensor& t, ReduceOp op) {
  require_contiguous(t, "allreduce");
  torch::Tensor host = on_host(t);
  auto work = std::make_unique<MpiWork>(host, t, op, size_);
  check(MPI_Iallreduce(MPI_IN_PLACE, host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), MPI_SUM, MPI_COMM_WORLD,
                       work->request()),
        "MPI_Iallreduce");
  return work;
}

void MpiCommunicator::broadcast(torch::Tensor& t, int root) {
  require_contiguous(t, "broadcast");
  torch::Tensor host = on_host(t);
  check(MPI_Bcast(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), root, MPI_COMM_WORLD), "MPI_Bcast");
  if (!host.is_same(t)) t.copy_(host);
}

torch::Tensor MpiCommunicator::allgather(const torch::Tensor& t) {
  require_contiguous(t, "allgather");
  torch::Tensor host = on_host(t);
  std::vector<int64_t> shape{size_};
  for (auto d : t.sizes()) shape.push_back(d);
  torch::Tensor out = torch::empty(shape, host.options());
  check(MPI_Allgather(host.data_ptr(), static_cast<int>(host.numel()), mpi_type(host), out.data_ptr(),
                      static_cast<int>(host.numel()), mpi_type(host), MPI_COMM_WORLD),
        "MPI_Allgather");
  return out.to(t.device());
}

void MpiCommunicator::barrier() { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

}  // namespace parlance
