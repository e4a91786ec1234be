#include "plot/training_curves.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

// Finished lines of a JSONL file as rows keyed by `key` (the last row wins
// for a repeated key), ascending. A missing file is no rows.
std::vector<HistoryRow> read_rows(const fs::path& file, const std::string& key) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  std::map<double, HistoryRow> by_key;
  size_t start = 0, line_no = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; start = nl + 1, nl = text.find('\n', start)) {
    ++line_no;
    const std::string line = text.substr(start, nl - start);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file.string() + ":" + std::to_string(line_no) + ": ";
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) throw UserError(where + "expected a JSON object per line (a metrics row)");
    HistoryRow row;
    for (const auto& [name, v] : j.items()) {
      if (v.is_number()) row.emplace_back(name, v.get<double>());
      else if (v.is_null()) row.emplace_back(name, NAN);  // a non-finite value is written as null
      else throw UserError(where + "column \"" + name + "\" is not a number");
    }
    const double k = value_of(row, key);
    if (std::isnan(k)) throw UserError(where + "the row has no \"" + key + "\" column");
    by_key[k] = std::move(row);
  }
  std::vector<HistoryRow> rows;
  for (auto& [k, row] : by_key) rows.push_back(std::move(row));
  return rows;
}

bool is_bookkeeping(const std::string& c) {
  const std::string per_s = "_per_s";
  return c == "epoch" || c == "stage" || c == "step" || c == "seconds" || c == "ranks" || c == "lr" ||
         c == "train_loss" || c == "valid_loss" ||
         (c.size() > per_s.size() && c.compare(c.size() - per_s.size(), per_s.size(), per_s) == 0);
}

bool has(const HistoryRow& row, const std::string& column) {
  return std::any_of(row.begin(), row.end(), [&](const auto& kv) { return kv.first == column; });
}

// `column` against x from `x_column` (+ x_shift), over the rows that have it.
Series series_of(const std::vector<HistoryRow>& rows, const std::string& column, const std::string& x_column,
                 double x_shift) {
  Series s;
  for (const auto& r : rows)
    if (has(r, column)) {
      s.x.push_back(value_of(r, x_column) + x_shift);
      s.y.push_back(value_of(r, column));
    }
  return s;
}

std::string label(const RunHistory& run, const std::vector<RunHistory>& runs, const std::string& what) {
  return runs.size() == 1 ? what : run.name + " " + what;
}

Panel loss_panel(const std::vector<RunHistory>& runs) {
  Panel p{"loss", "epoch", "loss", false, {}, {}};
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunHistory& run = runs[i];
    const std::string& colour = palette(i);
    if (!run.steps.empty()) {
      Series s = series_of(run.steps, "train_loss", "epoch", 0);
      s.name = label(run, runs, "train (steps)"), s.colour = colour, s.width = 1;
      p.series.push_back(std::move(s));
    }
    Series train = series_of(run.epochs, "train_loss", "epoch", 1);
    train.name = label(run, runs, "train (epoch)"), train.colour = colour, train.dash = "5 3", train.dots = true;
    p.series.push_back(std::move(train));
    Series valid = series_of(run.epochs, "valid_loss", "epoch", 1);
    valid.name = label(run, runs, "valid"), valid.colour = colour, valid.width = 2, valid.dots = true;
    p.series.push_back(std::move(valid));
  }
  if (runs.size() == 1)  // gradual unfreezing: where each stage begins
    for (size_t e = 1; e < runs[0].epochs.size(); ++e) {
      const double stage = value_of(runs[0].epochs[e], "stage");
      if (!std::isnan(stage) && stage != value_of(runs[0].epochs[e - 1], "stage"))
        p.markers.push_back({value_of(runs[0].epochs[e], "epoch"), "stage " + std::to_string(std::llround(stage)), "#999"});
    }
  return p;
}

}  // namespace

double value_of(const HistoryRow& row, const std::string& column) {
  for (const auto& [name, v] : row)
    if (name == column) return v;
  return NAN;
}

RunHistory read_run_history(const std::string& run_dir) {
  const fs::path dir(run_dir);
  const fs::path metrics = dir / "metrics.jsonl", steps = dir / "steps.jsonl";
  // A run that has just started has its config.toml and no rows yet: that plots (empty).
  if (!fs::exists(metrics) && !fs::exists(steps) && !fs::exists(dir / "config.toml"))
    throw UserError(run_dir + ": no metrics.jsonl or steps.jsonl here; expected a training run folder (train.run)");
  RunHistory h;
  h.name = dir.has_filename() ? dir.filename().string() : dir.parent_path().filename().string();
  h.epochs = read_rows(metrics, "epoch");
  h.steps = read_rows(steps, "step");
  return h;
}

std::vector<Panel> training_panels(const std::vector<RunHistory>& runs) {
  std::vector<Panel> panels{loss_panel(runs)};
  std::vector<std::string> columns;  // metric columns, in order of first appearance
  for (const auto& run : runs)
    for (const auto& row : run.epochs)
      for (const auto& [c, v] : row)
        if (!is_bookkeeping(c) && std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  for (const auto& c : columns) {
    Panel p{c, "epoch", c, false, {}, {}};
    for (size_t i = 0; i < runs.size(); ++i) {
      Series s = series_of(runs[i].epochs, c, "epoch", 1);
      s.name = runs.size() > 1 ? runs[i].name : "", s.colour = palette(i), s.width = 2, s.dots = true;
      p.series.push_back(std::move(s));
    }
    panels.push_back(std::move(p));
  }
  return panels;
}

}  // namespace parlance
