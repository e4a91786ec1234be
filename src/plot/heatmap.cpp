#include "plot/heatmap.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "plot/svg_canvas.h"

namespace parlance {

std::string heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& title) {
  if (values.size() != row_labels.size()) throw std::invalid_argument("heatmap: one label per row");
  for (const auto& row : values)
    if (row.size() != col_labels.size()) throw std::invalid_argument("heatmap: one label per column");
  double top = 0;
  for (const auto& row : values)
    for (double v : row) top = std::max(top, v);
  size_t longest_row = 1, longest_col = 1;
  for (const auto& l : row_labels) longest_row = std::max(longest_row, l.size());
  for (const auto& l : col_labels) longest_col = std::max(longest_col, l.size());
  const double cell = 28, left = 12 + 7.0 * static_cast<double>(longest_row), head = 40 + 7.0 * static_cast<double>(longest_col);
  const double w = left + cell * static_cast<double>(col_labels.size()) + 20, h = head + cell * static_cast<double>(row_labels.size()) + 20;
  SvgCanvas svg(std::max(w, 20 + 7.5 * static_cast<double>(title.size())), h);
  svg.text(10, 20, title, 14);
  for (size_t c = 0; c < col_labels.size(); ++c)
    svg.text(left + cell * (static_cast<double>(c) + 0.6), head - 6, col_labels[c], 12, "start", -60);
  for (size_t r = 0; r < row_labels.size(); ++r) {
    const double y = head + cell * static_cast<double>(r);
    svg.text(left - 6, y + cell * 0.65, row_labels[r], 12, "end");
    for (size_t c = 0; c < col_labels.size(); ++c) {
      char tip[96];
      std::snprintf(tip, sizeof tip, "%.3f", values[r][c]);
      svg.rect(left + cell * static_cast<double>(c), y, cell - 1, cell - 1, blue_scale(top > 0 ? values[r][c] / top : 0),
               row_labels[r] + " / " + col_labels[c] + ": " + tip);
    }
  }
  return svg.str();
}

}  // namespace parlance
