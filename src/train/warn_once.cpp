#include "train/warn_once.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <cstdio>
#include <mutex>
#include <set>
#include <string>

namespace parlance {
namespace {

class WarnOnce : public c10::WarningHandler {
 public:
  int rank = 0;
#if TORCH_VERSION_MAJOR >= 2
  void process(const c10::Warning& w) override { show(w.msg()); }
#else
  void process(const c10::SourceLocation&, const std::string& msg, const bool) override { show(msg); }
#endif

 private:
  void show(const std::string& msg) {
    std::lock_guard<std::mutex> lock(mu_);
    if (rank != 0 || !seen_.insert(msg).second) return;
    std::fprintf(stderr, "parlance: LibTorch warning (shown once): %s\n", msg.c_str());
  }
  std::mutex mu_;
  std::set<std::string> seen_;
};

}  // namespace

void show_each_libtorch_warning_once(int rank) {
  static WarnOnce handler;
  handler.rank = rank;
#if TORCH_VERSION_MAJOR >= 2
  c10::WarningUtils::set_warning_handler(&handler);
#else
  c10::Warning::set_warning_handler(&handler);
#endif
}

}  // namespace parlance
