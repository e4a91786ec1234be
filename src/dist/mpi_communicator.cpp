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

void require_cpu_contiguous(const torch::Tensor& t, const char* what) {
  if (!t.device().is_cpu() || !t.is_contiguous())
    throw std::invalid_argument(std::string("MpiCommunicator::") + what + " needs a contiguous CPU tensor");
}

class MpiWork : public CommWork {
 public:
  MpiWork(torch::Tensor t, ReduceOp op, int size) : t_(std::move(t)), op_(op), size_(size) {}
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
  }
  ~MpiWork() override {
    if (!done_) MPI_Wait(&req_, MPI_STATUS_IGNORE);  // never free a buffer MPI still writes
  }

 private:
  torch::Tensor t_;
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
  require_cpu_contiguous(t, "allreduce");
  auto work = std::make_unique<MpiWork>(t, op, size_);
  check(MPI_Iallreduce(MPI_IN_PLACE, t.data_ptr(), static_cast<int>(t.numel()), mpi_type(t), MPI_SUM, MPI_COMM_WORLD,
                       work->request()),
        "MPI_Iallreduce");
  return work;
}

void MpiCommunicator::broadcast(torch::Tensor& t, int root) {
  require_cpu_contiguous(t, "broadcast");
  check(MPI_Bcast(t.data_ptr(), static_cast<int>(t.numel()), mpi_type(t), root, MPI_COMM_WORLD), "MPI_Bcast");
}

torch::Tensor MpiCommunicator::allgather(const torch::Tensor& t) {
  require_cpu_contiguous(t, "allgather");
  std::vector<int64_t> shape{size_};
  for (auto d : t.sizes()) shape.push_back(d);
  torch::Tensor out = torch::empty(shape, t.options());
  check(MPI_Allgather(t.data_ptr(), static_cast<int>(t.numel()), mpi_type(t), out.data_ptr(),
                      static_cast<int>(t.numel()), mpi_type(t), MPI_COMM_WORLD),
        "MPI_Allgather");
  return out;
}

void MpiCommunicator::barrier() { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

}  // namespace parlance
