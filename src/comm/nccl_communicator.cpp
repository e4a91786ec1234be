#include "comm/nccl_communicator.h"

#include <cuda_runtime.h>
#include <mpi.h>
#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

#ifdef PARLANCE_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

#include "comm/collective_watchdog.h"
#include "comm/mpi_world.h"

namespace parlance {
namespace {

// Checked calls: the call, file:line and the library's own message.
#define PARLANCE_CUDA_CHECK(call) cuda_check((call), #call, __FILE__, __LINE__)
#define PARLANCE_NCCL_CHECK(call) nccl_check((call), #call, __FILE__, __LINE__)

void cuda_check(cudaError_t e, const char* call, const char* file, int line) {
  if (e != cudaSuccess)
    throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " +
                             cudaGetErrorString(e));
}

// NCCL's error string names the class ("invalid usage"); its last-error text
// (NCCL >= 2.13) names the cause, e.g. two ranks on one GPU.
void nccl_check(ncclResult_t r, const char* call, const char* file, int line) {
  if (r == ncclSuccess) return;
  std::string why = ncclGetErrorString(r);
#if NCCL_VERSION_CODE >= NCCL_VERSION(2, 13, 0)
  const char* last = ncclGetLastError(nullptr);
  if (last && *last) why += std::string(" (") + last + ")";
#endif
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " + why);
}

ncclDataType_t nccl_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32: return ncclFloat32;
    case torch::kFloat64: return ncclFloat64;
    case torch::kFloat16: return ncclFloat16;
    case torch::kBFloat16: return ncclBfloat16;
    case torch::kInt64: return ncclInt64;
    case torch::kInt32: return ncclInt32;
    case torch::kUInt8: return ncclUint8;
    default: throw std::invalid_argument("NcclCommunicator: unsupported dtype");
  }
}

// The stream the model computes on: PyTorch's current stream when LibTorch
// has CUDA, else the legacy default stream.
cudaStream_t compute_stream() {
#ifdef PARLANCE_TORCH_CUDA
  return c10::cuda::getCurrentCUDAStream().stream();
#else
  return cudaStreamLegacy;
#endif
}

class NcclWork : public CommWork {
 public:
  NcclWork(ncclComm_t comm, cudaEvent_t done, torch::Tensor t) : comm_(comm), done_(done), t_(std::move(t)) {}
  ~NcclWork() override { cudaEventDestroy(done_); }
  void wait() override {
    // Later compute waits for the collective on the GPU; the host only polls
    // for NCCL failures so a dead peer cannot hang this rank forever.
    PARLANCE_CUDA_CHECK(cudaStreamWaitEvent(compute_stream(), done_, 0));
    ncclResult_t async = ncclSuccess;
    PARLANCE_NCCL_CHECK(ncclCommGetAsyncError(comm_, &async));
    if (async != ncclSuccess) {
      std::fprintf(stderr, "parlance: NCCL error on rank %d: %s\n", mpi::rank(), ncclGetErrorString(async));
      ncclCommAbort(comm_);
      mpi::abort_all(3);
    }
  }

 private:
  ncclComm_t comm_;
  cudaEvent_t done_;
  torch::Tensor t_;  // keeps the buffer alive until the collective is done
};

// The communicator's collectives queued and not yet seen complete, oldest
// first, for the watchdog's thread (PendingDeviceWork). Each has an event of
// its own, recorded after it on the communicator's stream. Entries are added
// on whichever thread queues (autograd's, for gradient buckets) and dropped
// by the watchdog as their events complete. Never deleted: the watchdog may
// hold it until the process ends (one per communicator).
class NcclPending : public PendingDeviceWork {
 public:
  NcclPending(ncclComm_t comm, int device) : comm_(comm), device_(device) {}
  void queued(cudaStream_t stream, const char* what) {
    cudaEvent_t e;
    PARLANCE_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
    PARLANCE_CUDA_CHECK(cudaEventRecord(e, stream));
    std::lock_guard<std::mutex> lock(mu_);
    if (comm_) q_.push_back({e, watchdog_now_ms(), what});
  }
  bool oldest(int64_t* queued_ms, const char** what) override {
    std::lock_guard<std::mutex> lock(mu_);
    cudaSetDevice(device_);  // the events' device, on the watchdog's thread
    while (!q_.empty()) {
      const cudaError_t e = cudaEventQuery(q_.front().done);
      if (e == cudaErrorNotReady) {
        (void)cudaGetLastError();  // not an error: clear it from this thread's state
        *queued_ms = q_.front().queued_ms;
        *what = q_.front().what;
        return true;
      }
      cudaEventDestroy(q_.front().done);  // complete (a CUDA failure shows at the next checked call)
      q_.pop_front();
    }
    return false;
  }
  std::string async_error() override {
    std::lock_guard<std::mutex> lock(mu_);
    ncclResult_t async = ncclSuccess;
    if (!comm_ || ncclCommGetAsyncError(comm_, &async) != ncclSuccess || async == ncclSuccess) return "";
    return std::string("NCCL: ") + ncclGetErrorString(async);
  }
  void abort() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (comm_) ncclCommAbort(comm_);
    comm_ = nullptr;
  }
  // The communicator is being destroyed: nothing more to watch. True when
  // the watchdog had aborted the communicator first (it is then on its way
  // to ending the job, and the communicator must not be destroyed as well).
  bool close() {
    std::lock_guard<std::mutex> lock(mu_);
    const bool aborted = comm_ == nullptr;
    comm_ = nullptr;
    for (const auto& w : q_) cudaEventDestroy(w.done);
    q_.clear();
    return aborted;
  }

 private:
  struct Work {
    cudaEvent_t done;
    int64_t queued_ms;
    const char* what;
  };
  std::mutex mu_;
  ncclComm_t comm_;
  int device_;
  std::deque<Work> q_;
};

class DoneWork : public CommWork {
 public:
  void wait() override {}
};

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    local_rank_ = mpi::local_rank();
    int devices = 0;
    PARLANCE_CUDA_CHECK(cudaGetDeviceCount(&devices));
    if (devices == 0) throw std::runtime_error("NCCL backend: no CUDA device visible");
    device_ = local_rank_ % devices;
    PARLANCE_CUDA_CHECK(cudaSetDevice(device_));
    ncclUniqueId id;
    if (rank_ == 0) PARLANCE_NCCL_CHECK(ncclGetUniqueId(&id));
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_COMM_WORLD);
    PARLANCE_NCCL_CHECK(ncclCommInitRank(&comm_, size_, id, rank_));
    PARLANCE_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    pending_ = new NcclPending(comm_, device_);
    watch_device_work(pending_);
  }
  ~NcclCommunicator() override {
    watch_device_work(nullptr);
    const bool aborted = pending_->close();
    if (stream_) cudaStreamDestroy(stream_);
    if (comm_ && !aborted) ncclCommDestroy(comm_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  std::string backend() const override { return "nccl"; }

  std::unique_ptr<CommWork> allreduce_async(torch::Tensor& t, ReduceOp op) override {
    if (t.is_cpu()) {  // a small host tensor (metrics): through the device, synchronously
      torch::Tensor d = on_device(t);
      allreduce_async(d, op)->wait();
      t.copy_(d);
      return std::make_unique<DoneWork>();
    }
    require_cuda(t);
    cudaEvent_t done = order_after_compute();
    PARLANCE_NCCL_CHECK(ncclAllReduce(t.data_ptr(), t.data_ptr(), static_cast<size_t>(t.numel()), nccl_type(t),
                                      op == ReduceOp::Avg ? ncclAvg : ncclSum, comm_, stream_));
    PARLANCE_CUDA_CHECK(cudaEventRecord(done, stream_));
    pending_->queued(stream_, "an NCCL allreduce (gradients or metrics)");
    return std::make_unique<NcclWork>(comm_, done, t);
  }

  void broadcast(torch::Tensor& t, int root) override {
    if (t.is_cpu()) {
      torch::Tensor d = on_device(t);
      broadcast(d, root);
      t.copy_(d);
      return;
    }
    require_cuda(t);
    cudaEvent_t done = order_after_compute();
    PARLANCE_NCCL_CHECK(ncclBroadcast(t.data_ptr(), t.data_ptr(), static_cast<size_t>(t.numel()), nccl_type(t), root,
                                      comm_, stream_));
    PARLANCE_CUDA_CHECK(cudaEventRecord(done, stream_));
    pending_->queued(stream_, "an NCCL broadcast");
    NcclWork(comm_, done, t).wait();
  }

  torch::Tensor allgather(const torch::Tensor& t) override {
    if (t.is_cpu()) return allgather(on_device(t)).cpu();
    require_cuda(t);
    std::vector<int64_t> shape{size_};
    for (auto d : t.sizes()) shape.push_back(d);
    torch::Tensor out = torch::empty(shape, t.options());
    cudaEvent_t done = order_after_compute();
    PARLANCE_NCCL_CHECK(
        ncclAllGather(t.data_ptr(), out.data_ptr(), static_cast<size_t>(t.numel()), nccl_type(t), comm_, stream_));
    PARLANCE_CUDA_CHECK(cudaEventRecord(done, stream_));
    pending_->queued(stream_, "an NCCL allgather");
    NcclWork(comm_, done, out).wait();
    return out;
  }

  void barrier() override {
    PARLANCE_CUDA_CHECK(cudaStreamSynchronize(stream_));
    MPI_Barrier(MPI_COMM_WORLD);
  }

 private:
  // NCCL reads device memory: host tensors (metrics, RNG states) take a device copy.
  torch::Tensor on_device(const torch::Tensor& t) const {
    return t.to(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device_))).contiguous();
  }
  static void require_cuda(const torch::Tensor& t) {
    if (!t.device().is_cuda() || !t.is_contiguous())
      throw std::invalid_argument("NcclCommunicator needs a contiguous CUDA tensor");
  }
  // Makes the communicator stream wait for everything queued on the compute
  // stream so far; returns a fresh event for the caller to record completion.
  cudaEvent_t order_after_compute() {
    cudaEvent_t ready, done;
    PARLANCE_CUDA_CHECK(cudaEventCreateWithFlags(&ready, cudaEventDisableTiming));
    PARLANCE_CUDA_CHECK(cudaEventRecord(ready, compute_stream()));
    PARLANCE_CUDA_CHECK(cudaStreamWaitEvent(stream_, ready, 0));
    cudaEventDestroy(ready);  // safe: destruction is deferred until the event completes
    PARLANCE_CUDA_CHECK(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
    return done;
  }

  int rank_ = 0, size_ = 1, local_rank_ = 0, device_ = 0;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
  NcclPending* pending_ = nullptr;  // not owned: outlives the communicator (see NcclPending)
};

}  // namespace

std::unique_ptr<Communicator> make_nccl_communicator() { return std::make_unique<NcclCommunicator>(); }

}  // namespace parlance
