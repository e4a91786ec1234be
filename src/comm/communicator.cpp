#include "comm/communicator.h"

#include "comm/mpi_communicator.h"
#include "util/error.h"
#ifdef PARLANCE_WITH_NCCL
#include "comm/nccl_communicator.h"
#endif

namespace parlance {

std::vector<double> sum_over_ranks(Communicator& comm, const std::vector<double>& values) {
  torch::Tensor t = torch::tensor(values, torch::kFloat64);
  comm.allreduce(t, ReduceOp::Sum);
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

torch::Tensor gather_on_host(Communicator& comm, const torch::Tensor& t) { return comm.allgather(t.contiguous()).cpu(); }

std::unique_ptr<Communicator> make_communicator(const std::string& backend) {
  if (backend == "mpi") return std::make_unique<MpiCommunicator>();
#ifdef PARLANCE_WITH_NCCL
  if (backend == "nccl") return make_nccl_communicator();
#else
  if (backend == "nccl") throw UserError("this parlance was built without NCCL (PARLANCE_WITH_NCCL=OFF)");
#endif
  throw UserError("unknown communicator backend \"" + backend + "\" (expected mpi or nccl)");
}

}  // namespace parlance
