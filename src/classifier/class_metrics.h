#pragma once
// Classification metrics from class probabilities: the confusion matrix
// (rows: true class, columns: predicted), the mean negative log-likelihood,
// accuracy and per-class precision / recall / F1. Counts are plain sums, so
// every rank fills its own and one collective adds them (sum_over_ranks).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "comm/communicator.h"

namespace parlance {

class ClassMetrics {
 public:
  explicit ClassMetrics(int64_t classes = 2);
  // probs: (n, classes) rows summing to 1; labels: (n) in [0, classes).
  void add(const torch::Tensor& probs, const torch::Tensor& labels);
  // Every rank's counts summed, on every rank (a collective).
  void sum_over(Communicator& comm);

  int64_t classes() const { return classes_; }
  double count(int64_t truth, int64_t predicted) const;
  double total() const { return total_; }
  double loss() const;      // mean -log p(true class)
  double accuracy() const;
  double precision(int64_t c) const;  // 0 when nothing was predicted as c
  double recall(int64_t c) const;
  double f1(int64_t c) const;
  double macro_f1() const;
  // A readable report: accuracy, loss, per-class precision/recall/F1/support
  // and the confusion matrix, classes named by `names`.
  std::string report(const std::vector<std::string>& names) const;
  // The confusion matrix as an SVG heat map, counts in the cells.
  std::string confusion_svg(const std::vector<std::string>& names, const std::string& title) const;

 private:
  int64_t classes_;
  std::vector<double> confusion_;  // classes × classes
  double nll_ = 0, total_ = 0;
};

}  // namespace parlance
