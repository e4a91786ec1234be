#pragma once
// The one owner of per-epoch metrics: rows of named values. Rank 0 prints a
// fastai-style table (header from the first row's names) and appends each row
// as one JSON object to RUN/metrics.jsonl; other ranks hold a closed log.
// Perplexity, accuracy, F1 or BLEU are columns a task returns, not code here.
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "train/task.h"

namespace parlance {

class MetricsLog {
 public:
  MetricsLog() = default;
  // `jsonl`: appended to (a resumed run continues its file). `hidden`: columns
  // written to the file only (throughput, rank count). "seconds" shows as mm:ss.
  // `table` nullptr: the file only (the step log).
  MetricsLog(const std::string& jsonl, std::set<std::string> hidden, FILE* table = stdout);
  void add(const MetricRow& row);

 private:
  bool open_ = false;
  std::ofstream out_;
  std::set<std::string> hidden_;
  FILE* table_ = nullptr;
  bool header_done_ = false;
};

}  // namespace parlance
