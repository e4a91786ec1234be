// device_watchdog_probe MODE: the hung-peer watchdog's handling of device work
// the host does not wait for (what the NCCL communicator registers), on any
// machine: a PendingDeviceWork whose oldest work is
//   stuck  queued at start and never complete: the job must end (exit 76) with
//          one line naming it, after abort() ("probe: aborted" first);
//   done   complete after its first second: the job must run to its end;
//   error  failed on its own: the job must end at once with the error
//          (the timeout is then longer than the run).
// The NCCL communicator's own PendingDeviceWork (events on its stream) needs
// two GPUs to exercise; this checks everything on the watchdog's side.
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "comm/collective_watchdog.h"
#include "comm/mpi_world.h"

namespace {

class ProbeWork : public parlance::PendingDeviceWork {
 public:
  explicit ProbeWork(std::string mode) : mode_(std::move(mode)), start_(parlance::watchdog_now_ms()) {}
  bool oldest(int64_t* queued_ms, const char** what) override {
    if (mode_ == "done" && parlance::watchdog_now_ms() - start_ > 1000) return false;
    *queued_ms = start_;
    *what = "an NCCL allreduce (gradients or metrics)";
    return true;
  }
  std::string async_error() override { return mode_ == "error" ? "NCCL: unhandled system error" : ""; }
  void abort() override {
    std::fprintf(stderr, "probe: aborted\n");
    std::fflush(stderr);
  }

 private:
  std::string mode_;
  int64_t start_;
};

}  // namespace

int main(int argc, char** argv) {
  parlance::mpi::World world(&argc, &argv);
  if (argc != 2) return 2;
  static ProbeWork work(argv[1]);  // static: the watchdog may read it until the process ends
  // A failure must end the job at once: with a timeout the run outlasts, only
  // the error can end it.
  parlance::start_collective_watchdog(std::strcmp(argv[1], "error") == 0 ? 60.0 : 2.0);
  parlance::watch_device_work(&work);
  std::this_thread::sleep_for(std::chrono::seconds(6));  // past the timeout, with no host collective
  parlance::watch_device_work(nullptr);
  parlance::mpi::barrier();
  if (parlance::mpi::rank() == 0) std::printf("probe: ran to the end\n");
  return 0;
}
