#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace parlance::cli {

ProgressBar::ProgressBar(std::string label, double scale)
    : label_(std::move(label)), scale_(scale), tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressBar::update(uint64_t done, uint64_t total) {
  auto now = std::chrono::steady_clock::now();
  double since_last = std::chrono::duration<double>(now - last_).count();
  if (done < total && since_last < (tty_ ? 0.1 : 10.0)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  double mb = static_cast<double>(done) * scale_ / 1e6, total_mb = static_cast<double>(total) * scale_ / 1e6;
  double rate = secs > 0 ? mb / secs : 0, eta = rate > 0 ? (total_mb - mb) / rate : 0;
  if (tty_) {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %5.1f%% %8.1f/%.1f MB %7.1f MB/s ETA %4.0fs", label_.c_str(), bar.c_str(),
                 100 * frac, mb, total_mb, rate, eta);
    drawn_ = true;
  } else {
    std::fprintf(stderr, "%s: %.1f%% %.1f/%.1f MB %.1f MB/s ETA %.0fs\n", label_.c_str(), 100 * frac, mb, total_mb,
                 rate, eta);
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (tty_ && drawn_) std::fprintf(stderr, "\n");
}

}  // namespace parlance::cli
