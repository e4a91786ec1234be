#include "classifier/class_metrics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plot/heatmap.h"
#include "util/error.h"

namespace parlance {

ClassMetrics::ClassMetrics(int64_t classes)
    : classes_(classes), confusion_(static_cast<size_t>(classes * classes), 0.0) {}

void ClassMetrics::add(const torch::Tensor& probs, const torch::Tensor& labels) {
  const torch::Tensor p = probs.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const torch::Tensor y = labels.to(torch::kCPU, torch::kInt64).contiguous();
  if (p.dim() != 2 || p.size(1) != classes_ || y.size(0) != p.size(0))
    throw std::logic_error("ClassMetrics::add: probabilities and labels disagree in shape");
  const torch::Tensor predicted = p.argmax(1);
  auto pa = p.accessor<double, 2>();
  auto ya = y.accessor<int64_t, 1>();
  auto qa = predicted.accessor<int64_t, 1>();
  for (int64_t i = 0; i < p.size(0); ++i) {
    confusion_[static_cast<size_t>(ya[i] * classes_ + qa[i])] += 1;
    nll_ -= std::log(std::max(pa[i][ya[i]], 1e-12));
  }
  total_ += static_cast<double>(p.size(0));
}

void ClassMetrics::sum_over(Communicator& comm) {
  std::vector<double> all = confusion_;
  all.push_back(nll_);
  all.push_back(total_);
  all = sum_over_ranks(comm, all);
  total_ = all.back();
  nll_ = all[all.size() - 2];
  all.resize(confusion_.size());
  confusion_ = all;
}

double ClassMetrics::count(int64_t truth, int64_t predicted) const {
  return confusion_[static_cast<size_t>(truth * classes_ + predicted)];
}

double ClassMetrics::loss() const { return nll_ / std::max(total_, 1.0); }

double ClassMetrics::accuracy() const {
  double hits = 0;
  for (int64_t c = 0; c < classes_; ++c) hits += count(c, c);
  return hits / std::max(total_, 1.0);
}

double ClassMetrics::precision(int64_t c) const {
  double predicted = 0;
  for (int64_t t = 0; t < classes_; ++t) predicted += count(t, c);
  return predicted > 0 ? count(c, c) / predicted : 0.0;
}

double ClassMetrics::recall(int64_t c) const {
  double actual = 0;
  for (int64_t p = 0; p < classes_; ++p) actual += count(c, p);
  return actual > 0 ? count(c, c) / actual : 0.0;
}

double ClassMetrics::f1(int64_t c) const {
  const double p = precision(c), r = recall(c);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double ClassMetrics::macro_f1() const {
  double sum = 0;
  for (int64_t c = 0; c < classes_; ++c) sum += f1(c);
  return sum / static_cast<double>(classes_);
}

namespace {

std::string class_name(const std::vector<std::string>& names, int64_t c) {
  return c < static_cast<int64_t>(names.size()) ? names[static_cast<size_t>(c)] : std::to_string(c);
}

}  // namespace

std::string ClassMetrics::confusion_svg(const std::vector<std::string>& names, const std::string& title) const {
  std::vector<std::vector<double>> counts(static_cast<size_t>(classes_), std::vector<double>(static_cast<size_t>(classes_)));
  std::vector<std::string> labels;
  for (int64_t t = 0; t < classes_; ++t) {
    labels.push_back(class_name(names, t));
    for (int64_t p = 0; p < classes_; ++p) counts[static_cast<size_t>(t)][static_cast<size_t>(p)] = count(t, p);
  }
  const std::string heading = fmt::format("{} — accuracy {:.4f} ({:.0f} documents)", title, accuracy(), total_);
  return heatmap_svg(counts, labels, labels, heading, {"actual", "predicted", /*values_in_cells=*/true, /*decimals=*/0});
}

std::string ClassMetrics::report(const std::vector<std::string>& names) const {
  auto name = [&](int64_t c) { return class_name(names, c); };
  size_t w = 9;
  for (int64_t c = 0; c < classes_; ++c) w = std::max(w, name(c).size());
  std::string s = fmt::format("accuracy {:.4f}  loss {:.4f}  macro F1 {:.4f}  ({:.0f} documents)\n\n", accuracy(), loss(),
                              macro_f1(), total_);
  s += fmt::format("{:<{}}  precision  recall      F1  support\n", "class", w);
  for (int64_t c = 0; c < classes_; ++c) {
    double support = 0;
    for (int64_t p = 0; p < classes_; ++p) support += count(c, p);
    s += fmt::format("{:<{}}  {:9.4f}  {:6.4f}  {:6.4f}  {:7.0f}\n", name(c), w, precision(c), recall(c), f1(c), support);
  }
  s += fmt::format("\nconfusion (rows: true class, columns: predicted)\n{:<{}}", "", w);
  for (int64_t p = 0; p < classes_; ++p) s += fmt::format("  {:>{}}", name(p), w);
  s += "\n";
  for (int64_t t = 0; t < classes_; ++t) {
    s += fmt::format("{:<{}}", name(t), w);
    for (int64_t p = 0; p < classes_; ++p) s += fmt::format("  {:>{}.0f}", count(t, p), w);
    s += "\n";
  }
  return s;
}

}  // namespace parlance
