#pragma once
// Where an axis puts its ticks and what they read: the one place that picks
// "nice" values (1, 2 or 5 × 10^k) and formats them, for every chart.
#include <string>
#include <vector>

namespace parlance {

struct Tick {
  double value;
  std::string label;
};

struct AxisRange {
  double lo, hi;  // what the axis spans (lo < hi); for a log axis, positive
  std::vector<Tick> ticks;  // ascending, all within [lo, hi]
};

// A linear axis over data in [lo, hi]: the span widened to whole multiples of
// a nice step giving about `target` intervals; labels carry just enough
// decimals to tell neighbours apart. A single value (lo == hi) gets a span
// around it. Throws std::invalid_argument on a non-finite bound.
AxisRange linear_axis(double lo, double hi, int target = 5);

// A log axis over data in [lo, hi] (0 < lo <= hi): the span widened to whole
// decades, a tick at each decade (1, 2, 5 per decade when the data spans
// under two decades), labelled "1e-05", "0.001", "1", "100", "1e+05".
AxisRange log_axis(double lo, double hi);

// A tick label for `v` on an axis whose ticks are `step` apart.
std::string tick_label(double v, double step);

}  // namespace parlance
