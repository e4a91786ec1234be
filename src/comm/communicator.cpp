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
  // NCCL only where the training tensors will be CUDA tensors.
  if (backend == "auto")
    return nccl_available() && torch::cuda::is_available() ? make_nccl_communicator()
                                                          : std::make_unique<MpiCommunicator>();
#else
  if (backend == "nccl") throw UserError("this parlance was built without NCCL (PARLANCE_WITH_NCCL=OFF)");
  if (backend == "auto") return std::make_unique<MpiCommunicator>();
#endif
  throw UserError("unknown communicator backend \"" + backend + "\" (expected mpi, nccl or auto)");
}

}  // namespace parlance
