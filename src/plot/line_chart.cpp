#include "plot/line_chart.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "plot/axis_ticks.h"
#include "plot/svg_canvas.h"

namespace parlance {
namespace {

// Plot area inside a panel: room on the left for tick values and the y label,
// below for tick values and the x label, above for the title and markers.
constexpr double kLeft = 64, kRight = 14, kTop = 40, kBottom = 46;

bool usable(const Panel& p, double x, double y) { return std::isfinite(x) && std::isfinite(y) && (!p.log_x || x > 0); }

struct Bounds {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  bool empty() const { return !(x0 <= x1); }
};

Bounds data_bounds(const Panel& p) {
  Bounds b;
  for (const auto& s : p.series)
    for (size_t i = 0; i < s.x.size(); ++i)
      if (usable(p, s.x[i], s.y[i])) {
        b.x0 = std::min(b.x0, s.x[i]), b.x1 = std::max(b.x1, s.x[i]);
        b.y0 = std::min(b.y0, s.y[i]), b.y1 = std::max(b.y1, s.y[i]);
      }
  for (const auto& m : p.markers)
    if (std::isfinite(m.x) && (!p.log_x || m.x > 0)) b.x0 = std::min(b.x0, m.x), b.x1 = std::max(b.x1, m.x);
  return b;
}

// Maps data to pixels inside one panel's plot area.
struct Frame {
  double left, top, width, height;
  AxisRange xs, ys;
  bool log_x;
  double px(double x) const {
    const double t = log_x ? (std::log10(x) - std::log10(xs.lo)) / (std::log10(xs.hi) - std::log10(xs.lo))
                           : (x - xs.lo) / (xs.hi - xs.lo);
    return left + t * width;
  }
  double py(double y) const { return top + height - (y - ys.lo) / (ys.hi - ys.lo) * height; }
};

void draw_axes(SvgCanvas& svg, const Frame& f, const Panel& p) {
  const double bottom = f.top + f.height, right = f.left + f.width;
  for (const auto& t : f.ys.ticks) {
    const double y = f.py(t.value);
    svg.line(f.left, y, right, y, "#e0e0e0", 1);
    svg.text(f.left - 6, y + 4, t.label, 11, "end");
  }
  for (const auto& t : f.xs.ticks) {
    const double x = f.px(t.value);
    svg.line(x, f.top, x, bottom, "#e0e0e0", 1);
    svg.text(x, bottom + 16, t.label, 11, "middle");
  }
  svg.line(f.left, bottom, right, bottom, "#333", 1);
  svg.line(f.left, f.top, f.left, bottom, "#333", 1);
  svg.text(f.left + f.width / 2, bottom + 36, p.x_label, 12, "middle");
  svg.text(f.left - 48, f.top + f.height / 2, p.y_label, 12, "middle", -90);
}

void draw_series(SvgCanvas& svg, const Frame& f, const Panel& p, const Series& s) {
  std::vector<std::pair<double, double>> run;  // a polyline breaks at unusable points
  auto flush = [&] {
    if (run.size() > 1) svg.polyline(run, s.colour, s.width, s.dash);
    run.clear();
  };
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (!usable(p, s.x[i], s.y[i])) {
      flush();
      continue;
    }
    run.emplace_back(f.px(s.x[i]), f.py(s.y[i]));
    if (s.dots) svg.circle(run.back().first, run.back().second, 3, s.colour, s.name + ": " + tick_label(s.y[i], 1e-4));
  }
  flush();
}

void draw_markers(SvgCanvas& svg, const Frame& f, const Panel& p) {
  double label_y = f.top + 12;
  for (const auto& m : p.markers) {
    if (!std::isfinite(m.x) || (p.log_x && m.x <= 0)) continue;
    const double x = f.px(m.x);
    svg.line(x, f.top, x, f.top + f.height, m.colour, 1.2, "4 3");
    if (std::isfinite(m.y)) svg.circle(x, f.py(m.y), 4, m.colour, m.label);
    const bool right_half = x > f.left + f.width / 2;  // keep the label inside the plot
    svg.text(right_half ? x - 4 : x + 4, label_y, m.label, 11, right_half ? "end" : "start");
    label_y += 14;
  }
}

// How much of the drawn curves a box at (x, y, w, h) would hide: points
// sampled along every segment that fall inside it.
int covered(const Frame& f, const Panel& p, double x, double y, double w, double h) {
  int n = 0;
  for (const auto& s : p.series)
    for (size_t i = 0; i + 1 < s.x.size(); ++i) {
      if (!usable(p, s.x[i], s.y[i]) || !usable(p, s.x[i + 1], s.y[i + 1])) continue;
      const double x0 = f.px(s.x[i]), y0 = f.py(s.y[i]), x1 = f.px(s.x[i + 1]), y1 = f.py(s.y[i + 1]);
      for (int k = 0; k <= 8; ++k) {
        const double t = k / 8.0, px = x0 + (x1 - x0) * t, py = y0 + (y1 - y0) * t;
        n += px >= x && px <= x + w && py >= y && py <= y + h;
      }
    }
  return n;
}

void draw_legend(SvgCanvas& svg, const Frame& f, const Panel& p) {
  std::vector<const Series*> named;
  size_t longest = 0;
  for (const auto& s : p.series)
    if (!s.name.empty()) named.push_back(&s), longest = std::max(longest, s.name.size());
  if (named.empty()) return;
  const double w = 34 + 6.2 * static_cast<double>(longest), h = 16.0 * static_cast<double>(named.size()) + 6;
  // The corner where it hides the least of the curves (top right on a tie).
  double x = f.left + f.width - w - 6, y = f.top + 6;
  int least = covered(f, p, x, y, w, h);
  for (const auto& [cx, cy] : {std::pair{f.left + f.width - w - 6, f.top + f.height - h - 6}, std::pair{f.left + 6, f.top + 6},
                               std::pair{f.left + 6, f.top + f.height - h - 6}}) {
    const int c = covered(f, p, cx, cy, w, h);
    if (c < least) least = c, x = cx, y = cy;
  }
  svg.rect(x, y, w, h, "white", "", "#bbb", 0.92);
  for (size_t i = 0; i < named.size(); ++i) {
    const double ly = y + 14 + 16.0 * static_cast<double>(i);
    svg.line(x + 6, ly - 4, x + 26, ly - 4, named[i]->colour, std::max(named[i]->width, 1.5), named[i]->dash);
    svg.text(x + 30, ly, named[i]->name, 11);
  }
}

void draw_panel(SvgCanvas& svg, double x, double y, double w, double h, const Panel& p) {
  for (const auto& s : p.series)
    if (s.x.size() != s.y.size()) throw std::invalid_argument("chart: series '" + s.name + "' has x and y of different sizes");
  svg.text(x + w / 2, y + 18, p.title, 14, "middle");
  Bounds b = data_bounds(p);
  if (b.empty()) {  // nothing to draw yet (a run that has not finished an epoch)
    svg.text(x + w / 2, y + h / 2, "no values yet", 12, "middle");
    return;
  }
  Frame f{x + kLeft, y + kTop, w - kLeft - kRight, h - kTop - kBottom,
          p.log_x ? log_axis(b.x0, b.x1) : linear_axis(b.x0, b.x1, 6), linear_axis(b.y0, b.y1, 5), p.log_x};
  draw_axes(svg, f, p);
  for (const auto& s : p.series) draw_series(svg, f, p, s);
  draw_markers(svg, f, p);
  draw_legend(svg, f, p);
}

}  // namespace

const std::string& palette(size_t i) {
  static const std::vector<std::string> tab10 = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return tab10[i % tab10.size()];
}

std::string chart_svg(const std::vector<Panel>& panels, int columns, double panel_w, double panel_h) {
  columns = std::max(1, std::min(columns, static_cast<int>(std::max<size_t>(panels.size(), 1))));
  const size_t rows = (panels.size() + static_cast<size_t>(columns) - 1) / static_cast<size_t>(columns);
  SvgCanvas svg(panel_w * columns, panel_h * static_cast<double>(std::max<size_t>(rows, 1)));
  for (size_t i = 0; i < panels.size(); ++i)
    draw_panel(svg, panel_w * static_cast<double>(i % static_cast<size_t>(columns)),
               panel_h * static_cast<double>(i / static_cast<size_t>(columns)), panel_w, panel_h, panels[i]);
  return svg.str();
}

}  // namespace parlance
