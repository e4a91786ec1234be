#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace parlance::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_(start_) {}

double ProgressBar::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

bool ProgressBar::due(uint64_t done, uint64_t total) const {
  const double since_last = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count();
  return done >= total || since_last >= (tty_ ? 0.1 : 10.0);
}

void ProgressBar::update(uint64_t done, uint64_t total, const std::string& detail) {
  if (!due(done, total)) return;
  last_ = std::chrono::steady_clock::now();
  double secs = seconds();
  double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
  if (tty_) {
    constexpr int kWidth = 30;
    std::string bar(static_cast<size_t>(frac * kWidth), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%% %s ETA %4.0fs  ", label_.c_str(), bar.c_str(), 100 * frac, detail.c_str(), eta);
    drawn_ = true;
  } else {
    std::fprintf(stderr, "%s: %.1f%% %s ETA %.0fs\n", label_.c_str(), 100 * frac, detail.c_str(), eta);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (tty_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace parlance::cli
