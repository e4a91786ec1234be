#include "comm/collective_watchdog.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "comm/mpi_world.h"

namespace parlance {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::atomic<int64_t> g_waiting_since{0};  // ms on the steady clock; 0: not in a collective
std::atomic<const char*> g_what{""};
std::atomic<int64_t> g_timeout_ms{0};
int g_depth = 0;  // the MPI thread's nesting of marks
int g_rank = 0;

void watch() {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const int64_t since = g_waiting_since.load(), timeout = g_timeout_ms.load();
    if (since == 0 || timeout <= 0 || now_ms() - since < timeout) continue;
    std::fprintf(stderr,
                 "parlance: rank %d waited %.0f s in %s for the other ranks (train.collective_timeout): a peer is "
                 "stopped, hung or unreachable; ending the job (exit %d)\n",
                 g_rank, static_cast<double>(now_ms() - since) / 1000.0, g_what.load(), kExitHung);
    std::fflush(stderr);
    _exit(kExitHung);  // not MPI_Abort: MPI belongs to the main thread, which is the one stuck
  }
}

}  // namespace

void start_collective_watchdog(double timeout_s) {
  static bool started = false;
  g_timeout_ms = timeout_s > 0 ? static_cast<int64_t>(timeout_s * 1000.0) : 0;
  if (started || timeout_s <= 0) return;
  started = true;
  g_rank = mpi::rank();
  std::thread(watch).detach();
}

WaitingFor::WaitingFor(const char* what) {
  if (g_depth++ > 0) return;
  g_what = what;
  g_waiting_since = now_ms();
}

WaitingFor::~WaitingFor() {
  if (--g_depth == 0) g_waiting_since = 0;
}

}  // namespace parlance
