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
// nested marks count as the outermost one. With NCCL the host does not
// block inside the gradient collectives, but every optimizer step ends in a
// host MPI collective (the preemption agreement), where a hung peer is seen.
namespace parlance {

constexpr int kExitHung = 76;

// Starts the watchdog (once per process; later calls change the timeout).
// timeout_s <= 0 turns it off. The first start with a timeout is collective
// (it opens the ArrivalBoard): every rank calls it at the same point.
void start_collective_watchdog(double timeout_s);

class WaitingFor {
 public:
  explicit WaitingFor(const char* what);  // `what`: a string literal naming the collective
  ~WaitingFor();
  WaitingFor(const WaitingFor&) = delete;
  WaitingFor& operator=(const WaitingFor&) = delete;
};

}  // namespace parlance
