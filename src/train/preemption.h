#pragma once
// Preemption: SLURM (and people) stop jobs with a signal — SIGUSR1 ahead of
// the time limit with `--signal`, SIGTERM on preemption or scancel, SIGINT
// from a terminal. Training installs handlers that only set a flag; at each
// optimizer step boundary all ranks agree on it (any rank signalled stops
// every rank), the loop writes a checkpoint at that exact position and throws
// Preempted, and the process exits with kExitPreempted so a job script can
// requeue and continue with --resume (or --auto-resume).
#include <stdexcept>
#include <string>

namespace parlance {

// Distinct from errors (1, 2): sysexits' EX_TEMPFAIL, "try again later".
constexpr int kExitPreempted = 75;

// Thrown by the training loop after the checkpoint is written, on every rank.
class Preempted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Installs the handlers (SIGTERM, SIGUSR1, SIGINT) for as long as it lives;
// the previous handlers come back when it is destroyed.
class PreemptionGuard {
 public:
  PreemptionGuard();
  ~PreemptionGuard();
  PreemptionGuard(const PreemptionGuard&) = delete;
  PreemptionGuard& operator=(const PreemptionGuard&) = delete;
};

// The signal this process received since the guard was installed ("" for none).
std::string received_signal();
// Collective over all ranks: true on every rank once any rank received one.
bool agree_to_stop();

}  // namespace parlance
