#pragma once
// Rank 0's view of a long job: a redrawn bar on a terminal, plain periodic
// lines in logs and batch jobs.
#include <chrono>
#include <cstdint>
#include <string>

namespace parlance::cli {

class ProgressBar {
 public:
  // `scale`: factor from this rank's bytes to the job's (ranks get equal shares).
  ProgressBar(std::string label, double scale);
  void update(uint64_t done, uint64_t total);
  void finish();

 private:
  std::string label_;
  double scale_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace parlance::cli
