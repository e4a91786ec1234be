#include "train/metrics_log.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace parlance {
namespace {

bool is_count(const std::string& name) { return name == "epoch" || name == "stage" || name == "ranks" || name == "step"; }

std::string cell(const std::string& name, double v) {
  char buf[32];
  if (name == "seconds")
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(v) / 60, static_cast<int>(v) % 60);
  else if (is_count(name))
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
  else if (name == "perplexity")
    std::snprintf(buf, sizeof buf, "%.4f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

MetricsLog::MetricsLog(const std::string& jsonl, std::set<std::string> hidden, FILE* table)
    : open_(true), out_(jsonl, std::ios::app), hidden_(std::move(hidden)), table_(table) {}

void MetricsLog::add(const MetricRow& row) {
  if (!open_) return;
  std::string header, line;
  for (const auto& [name, v] : row) {
    if (hidden_.count(name)) continue;
    const std::string title = name == "seconds" ? "time" : name;
    const size_t width = std::max<size_t>(title.size(), is_count(name) ? 6 : 11) + 1;
    std::string c = cell(name, v);
    header += title + std::string(width - title.size(), ' ');
    line += c + std::string(c.size() < width ? width - c.size() : 1, ' ');
  }
  if (table_) {
    if (!header_done_) std::fprintf(table_, "%s\n", header.c_str());
    header_done_ = true;
    std::fprintf(table_, "%s\n", line.c_str());
    std::fflush(table_);
  }
  nlohmann::ordered_json j;
  for (const auto& [name, v] : row) {
    if (is_count(name) && v == std::floor(v)) j[name] = std::llround(v);  // a fractional epoch stays fractional
    else j[name] = v;
  }
  out_ << j.dump() << "\n";
  out_.flush();
}

}  // namespace parlance
