#include "train/preemption.h"

#include <csignal>

#include "comm/mpi_world.h"

namespace parlance {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int sig) { g_signal = sig; }

constexpr int kSignals[] = {SIGTERM, SIGUSR1, SIGINT};
struct sigaction g_previous[3];

}  // namespace

PreemptionGuard::PreemptionGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // blocking calls (MPI, file I/O) carry on; the loop looks at the flag
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &g_previous[i]);
}

PreemptionGuard::~PreemptionGuard() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
}

std::string received_signal() {
  switch (g_signal) {
    case 0: return "";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "signal " + std::to_string(g_signal);
  }
}

bool agree_to_stop() { return mpi::any(g_signal != 0); }

}  // namespace parlance
