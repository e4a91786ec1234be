#include "comm/collective_watchdog.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "comm/arrival_board.h"
#include "comm/mpi_world.h"

namespace parlance {
namespace {

// How long a waiting rank that is not the reporting one stays quiet, so that
// the reporting rank's line ends the job alone (mpirun ends the others).
constexpr int64_t kQuietMs = 3000;

std::atomic<int64_t> g_waiting_since{0};  // ms on the steady clock; 0: not in a collective
std::atomic<const char*> g_what{""};
std::atomic<int64_t> g_timeout_ms{0};
std::atomic<int64_t> g_entered{0};  // collectives this rank has entered (outermost marks)
// Never deleted: the detached watchdog thread may read it until the process ends.
std::atomic<ArrivalBoard*> g_board{nullptr};
std::atomic<PendingDeviceWork*> g_device_work{nullptr};
int g_depth = 0;  // the MPI thread's nesting of marks
int g_rank = 0;

// What the watchdog found stuck: a host wait (a marked MPI collective), device
// work pending too long, or an error the device library reported.
struct Stall {
  enum Kind { kHostWait, kDeviceWork, kDeviceError } kind;
  const char* what;
  int64_t waited_ms;
  std::string error;
};

bool find_stall(int64_t now, int64_t timeout, Stall* stall) {
  const int64_t since = g_waiting_since.load();
  if (since != 0 && now - since >= timeout) {
    *stall = {Stall::kHostWait, g_what.load(), now - since, ""};
    return true;
  }
  PendingDeviceWork* work = g_device_work.load();
  if (!work) return false;
  std::string error = work->async_error();
  if (!error.empty()) {
    *stall = {Stall::kDeviceError, "", 0, std::move(error)};
    return true;
  }
  int64_t queued = 0;
  const char* what = "";
  if (work->oldest(&queued, &what) && now - queued >= timeout) {
    *stall = {Stall::kDeviceWork, what, now - queued, ""};
    return true;
  }
  return false;
}

[[noreturn]] void end_job(const ArrivalBoard& board, const Stall& stall) {
  const std::vector<int> absent = absent_ranks(board.seen(), g_entered.load());
  const double s = static_cast<double>(stall.waited_ms) / 1000.0;
  if (stall.kind != Stall::kHostWait)
    if (PendingDeviceWork* work = g_device_work.load()) work->abort();  // stop kernels waiting for a peer
  if (stall.kind == Stall::kDeviceError)
    std::fprintf(stderr, "parlance: rank %d: the device communicator reported an error: %s; ending the job (exit %d)\n",
                 g_rank, stall.error.c_str(), kExitHung);
  else if (stall.kind == Stall::kDeviceWork && absent.empty())
    std::fprintf(stderr,
                 "parlance: rank %d: %s, queued %.0f s ago, has not completed (train.collective_timeout), though every "
                 "rank reached the last host collective: a rank stopped or hung since, or the interconnect is stuck; "
                 "ending the job (exit %d)\n",
                 g_rank, stall.what, s, kExitHung);
  else if (stall.kind == Stall::kDeviceWork)
    std::fprintf(stderr,
                 "parlance: rank %d: %s, queued %.0f s ago, has not completed, waiting for %s, which did not reach the "
                 "last host collective (train.collective_timeout): stopped, hung or unreachable; ending the job (exit "
                 "%d)\n",
                 g_rank, stall.what, s, rank_list(absent).c_str(), kExitHung);
  else if (absent.empty())
    std::fprintf(stderr,
                 "parlance: rank %d waited %.0f s in %s, which every rank entered but which did not complete "
                 "(train.collective_timeout): a rank stopped or hung inside it, or the interconnect is stuck; ending the "
                 "job (exit %d)\n",
                 g_rank, s, stall.what, kExitHung);
  else
    std::fprintf(stderr,
                 "parlance: rank %d waited %.0f s in %s for %s, which did not arrive (train.collective_timeout): "
                 "stopped, hung or unreachable; ending the job (exit %d)\n",
                 g_rank, s, stall.what, rank_list(absent).c_str(), kExitHung);
  std::fflush(stderr);
  _exit(kExitHung);  // not MPI_Abort: MPI belongs to the main thread, which is the one stuck
}

void watch() {
  int64_t quiet_since = 0;  // when this rank saw the timeout and left the report to a lower rank
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const int64_t timeout = g_timeout_ms.load(), now = watchdog_now_ms();
    Stall stall;
    if (timeout <= 0 || !find_stall(now, timeout, &stall)) {
      quiet_since = 0;
      continue;
    }
    const ArrivalBoard& board = *g_board.load();
    if (reporting_rank(board.seen(), g_entered.load()) != g_rank) {
      if (quiet_since == 0) quiet_since = now;
      if (now - quiet_since < kQuietMs) continue;  // the reporting rank did not end the job: speak up
    }
    end_job(board, stall);
  }
}

}  // namespace

int64_t watchdog_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void watch_device_work(PendingDeviceWork* work) { g_device_work = work; }

void start_collective_watchdog(double timeout_s) {
  static bool started = false;
  g_timeout_ms = timeout_s > 0 ? static_cast<int64_t>(timeout_s * 1000.0) : 0;
  if (started || timeout_s <= 0) return;
  started = true;
  g_rank = mpi::rank();
  g_board = new ArrivalBoard();  // collective: every rank starts the watchdog at the same point
  std::thread(watch).detach();
}

WaitingFor::WaitingFor(const char* what) {
  if (g_depth++ > 0) return;
  g_what = what;
  g_waiting_since = watchdog_now_ms();  // before arriving: a flush that hangs on a stopped peer is a wait too
  if (ArrivalBoard* board = g_board.load()) board->arrive(++g_entered);
}

WaitingFor::~WaitingFor() {
  if (--g_depth == 0) g_waiting_since = 0;
}

}  // namespace parlance
