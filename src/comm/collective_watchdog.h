#pragma once
// Hung-peer watchdog. A collective waits for every rank: a peer that is
// stopped (SIGSTOP, a debugger), deadlocked, or stuck on a dead filesystem
// without its process exiting makes MPI wait forever, silently, while the
// waiting ranks spin (a peer that dies is noticed by mpirun in about a second;
// one that hangs is not). Each blocking collective is marked with WaitingFor;
// a thread looks once a second, and a rank that has waited in one collective
// longer than the timeout prints one line naming the collective and the ranks
// that never entered it (read from the ArrivalBoard, which every mark
// updates), and exits with kExitHung, which makes mpirun end the whole job.
// Only the lowest rank that entered the collective reports at once; the other
// waiting ranks stay quiet a few seconds longer, so one line ends the job.
//
// Invariant: only the main thread blocks in MPI, so only it marks waits
// (gradient hooks on autograd's thread merely start non-blocking allreduces);
// nested marks count as the outermost one.
//
// NCCL collectives are not waits of the host: they are queued on a stream
// and the host goes on, so a peer that never joins leaves them pending and the
// host blocks wherever it next reads the device (a loss for the log, fp16's
// overflow check, a metric), outside any mark. Such work is registered as
// PendingDeviceWork; the watchdog asks it each second for the oldest work not
// complete, and one pending longer than the timeout ends the job the same way
// (naming the ranks behind in host collectives, if any), after aborting the
// communicator as PyTorch's NCCL watchdog does. An asynchronous NCCL error
// ends the job at once.
#include <cstdint>
#include <string>

namespace parlance {

constexpr int kExitHung = 76;

// Starts the watchdog (once per process; later calls change the timeout).
// timeout_s <= 0 turns it off. The first start with a timeout is collective
// (it opens the ArrivalBoard): every rank calls it at the same point.
void start_collective_watchdog(double timeout_s);

// Work queued on a device that the host does not wait for. Its methods are
// called from the watchdog's thread.
class PendingDeviceWork {
 public:
  virtual ~PendingDeviceWork() = default;
  // The oldest work not yet complete: when it was queued (steady clock, ms)
  // and what it is (a string literal); false when none is pending.
  virtual bool oldest(int64_t* queued_ms, const char** what) = 0;
  // A failure the device library reported on its own (empty: none).
  virtual std::string async_error() = 0;
  // Stops the work for good (the job is ending).
  virtual void abort() = 0;
};

// Watches `work` (nullptr: nothing) from now on. The object must stay valid
// as long as the process runs: the watchdog thread may be reading it.
void watch_device_work(PendingDeviceWork* work);

// Milliseconds on the steady clock, the watchdog's time base.
int64_t watchdog_now_ms();

class WaitingFor {
 public:
  explicit WaitingFor(const char* what);  // `what`: a string literal naming the collective
  ~WaitingFor();
  WaitingFor(const WaitingFor&) = delete;
  WaitingFor& operator=(const WaitingFor&) = delete;
};

}  // namespace parlance
