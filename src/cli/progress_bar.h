#pragma once
// Rank 0's view of a long job: a redrawn bar on a terminal, plain periodic
// lines in logs and batch jobs. The caller says what the numbers mean.
#include <chrono>
#include <cstdint>
#include <string>

namespace parlance::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  // Whether update(done, total, ...) would draw now: at the end, and at most
  // every 0.1 s on a terminal or 10 s in a log. Callers that report often
  // (prep: once per file) ask first, so the detail is formatted only when shown.
  bool due(uint64_t done, uint64_t total) const;
  // `detail`: e.g. "123.4/270.0 MB 56.7 MB/s"; the ETA comes from done/total.
  // Does nothing unless due(done, total).
  void update(uint64_t done, uint64_t total, const std::string& detail);
  void finish();
  double seconds() const;

 private:
  std::string label_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace parlance::cli
