#pragma once
// Line charts as SVG: one or more panels on a grid, each with its axes, tick
// values, grid lines, labelled vertical markers and a legend. Every curve
// parlance draws (training curves, lr-find) goes through here, so they share
// one look. Non-finite points are skipped (a diverged loss does not break the
// picture); a series with no finite point draws nothing.
#include <cmath>
#include <string>
#include <vector>

namespace parlance {

struct Series {
  std::string name;  // the legend entry; "" keeps it out of the legend
  std::string colour;
  std::vector<double> x, y;  // equal sizes
  std::string dash;          // SVG dash pattern ("5 3"), "" for solid
  double width = 1.5;
  bool dots = false;         // a dot at every point (per-epoch values)
};

// A vertical line at x across the plot, labelled at its top; a dot at (x, y)
// when y is finite (the point on the curve it marks).
struct Marker {
  double x;
  std::string label, colour;
  double y = NAN;
};

struct Panel {
  std::string title, x_label, y_label;
  bool log_x = false;  // every x must then be positive
  std::vector<Series> series;
  std::vector<Marker> markers;
};

// A palette of distinct colours (matplotlib's "tab10"), cycling.
const std::string& palette(size_t i);

// The panels in rows of `columns`, each panel_w × panel_h pixels.
// Throws std::invalid_argument when a series' x and y sizes differ.
std::string chart_svg(const std::vector<Panel>& panels, int columns = 2, double panel_w = 520, double panel_h = 340);

}  // namespace parlance
