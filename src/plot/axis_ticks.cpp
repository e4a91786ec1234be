#include "plot/axis_ticks.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace parlance {
namespace {

// The one of 1, 2, 5 × 10^k nearest `raw` on a log scale.
double nice_step(double raw) {
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  double best = decade;
  for (double m : {2.0, 5.0, 10.0})
    if (std::fabs(std::log(m * decade / raw)) < std::fabs(std::log(best / raw))) best = m * decade;
  return best;
}

std::string log_label(double v) {
  char buf[32];
  const double e = std::log10(v);
  if (e >= -3.5 && e < 4.5)
    std::snprintf(buf, sizeof buf, "%g", v);
  else
    std::snprintf(buf, sizeof buf, "%.0e", v);
  return buf;
}

}  // namespace

std::string tick_label(double v, double step) {
  if (std::fabs(v) < step * 1e-6) v = 0;  // no "-0" or "1e-17" at zero
  char buf[32];
  if (std::fabs(v) >= 1e6 || step < 1e-5) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

AxisRange linear_axis(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw std::invalid_argument("linear_axis: non-finite bound");
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {  // one value: a span around it
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad, hi += pad;
  }
  const double step = nice_step((hi - lo) / std::max(target, 1));
  AxisRange a{std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, {}};
  const int n = static_cast<int>(std::llround((a.hi - a.lo) / step));
  for (int i = 0; i <= n; ++i) {
    const double v = a.lo + step * i;
    a.ticks.push_back({v, tick_label(v, step)});
  }
  return a;
}

AxisRange log_axis(double lo, double hi) {
  if (!(lo > 0) || !std::isfinite(hi)) throw std::invalid_argument("log_axis: bounds must be positive and finite");
  if (hi < lo) std::swap(lo, hi);
  const int e0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int e1 = std::max(e0 + 1, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  AxisRange a{std::pow(10.0, e0), std::pow(10.0, e1), {}};
  const bool fine = std::log10(hi / lo) < 2;  // the data spans under two decades
  for (int e = e0; e <= e1; ++e)
    for (double m : {1.0, 2.0, 5.0}) {
      if ((m != 1 && !fine) || (e == e1 && m != 1)) continue;
      const double v = m * std::pow(10.0, e);
      a.ticks.push_back({v, log_label(v)});
    }
  return a;
}

}  // namespace parlance
