#include "plot/heatmap.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "plot/svg_canvas.h"

namespace parlance {
namespace {

std::string format_value(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

size_t longest(const std::vector<std::string>& labels) {
  size_t n = 1;
  for (const auto& l : labels) n = std::max(n, l.size());
  return n;
}

}  // namespace

std::string heatmap_svg(const std::vector<std::vector<double>>& values, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& title, const HeatmapStyle& style) {
  if (values.size() != row_labels.size()) throw std::invalid_argument("heatmap: one label per row");
  double top = 0;
  size_t widest_value = 1;
  for (const auto& row : values) {
    if (row.size() != col_labels.size()) throw std::invalid_argument("heatmap: one label per column");
    for (double v : row) top = std::max(top, v), widest_value = std::max(widest_value, format_value(v, style.decimals).size());
  }
  const double cell = style.values_in_cells ? std::max(44.0, 8.0 * static_cast<double>(widest_value) + 14) : 28;
  const double row_title = style.row_title.empty() ? 0 : 22, col_title = style.col_title.empty() ? 0 : 20;
  const double left = 12 + row_title + 7.0 * static_cast<double>(longest(row_labels));
  const double head = 40 + col_title + 7.0 * static_cast<double>(longest(col_labels));
  const double grid_w = cell * static_cast<double>(col_labels.size()), grid_h = cell * static_cast<double>(row_labels.size());
  SvgCanvas svg(std::max(left + grid_w + 20, 20 + 7.5 * static_cast<double>(title.size())), head + grid_h + 20);
  svg.text(10, 20, title, 14);
  if (col_title > 0) svg.text(left + grid_w / 2, 44, style.col_title, 12, "middle");
  if (row_title > 0) svg.text(16, head + grid_h / 2, style.row_title, 12, "middle", -90);
  for (size_t c = 0; c < col_labels.size(); ++c)
    svg.text(left + cell * (static_cast<double>(c) + 0.6), head - 6, col_labels[c], 12, "start", -60);
  for (size_t r = 0; r < row_labels.size(); ++r) {
    const double y = head + cell * static_cast<double>(r);
    svg.text(left - 6, y + cell * 0.6, row_labels[r], 12, "end");
    for (size_t c = 0; c < col_labels.size(); ++c) {
      const double x = left + cell * static_cast<double>(c), shade = top > 0 ? values[r][c] / top : 0;
      const std::string v = format_value(values[r][c], style.decimals);
      svg.rect(x, y, cell - 1, cell - 1, blue_scale(shade), row_labels[r] + " / " + col_labels[c] + ": " + v);
      if (style.values_in_cells)  // white on the darker half of the scale
        svg.text(x + cell / 2, y + cell * 0.6, v, 11, "middle", 0, shade > 0.5 ? "white" : "black");
    }
  }
  return svg.str();
}

}  // namespace parlance
