#include "train/schedule.h"

#include <cmath>

#include "util/error.h"

namespace parlance {

double annealing_cos(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(M_PI * pct) + 1.0);
}

ScheduleValue schedule_at(const ScheduleSpec& s, int64_t step, int64_t total, int64_t per_epoch) {
  const double t = static_cast<double>(step), n = static_cast<double>(std::max<int64_t>(total, 1));
  if (s.kind == "constant") return {s.lr_max, -1};
  if (s.kind == "one_cycle") {
    const double final_div = s.final_div > 0 ? s.final_div : s.div * 1e4;
    const double up = std::max(1.0, std::floor(n * s.pct_start)), down = std::max(1.0, n - up);
    if (t < up) {
      double pct = t / up;
      return {annealing_cos(s.lr_max / s.div, s.lr_max, pct), annealing_cos(s.mom_max, s.mom_min, pct)};
    }
    double pct = (t - up) / down;
    return {annealing_cos(s.lr_max, s.lr_max / final_div, pct), annealing_cos(s.mom_min, s.mom_max, pct)};
  }
  if (s.kind == "stlr") {
    // fastai 0.7 CircularLR: cut_pt = nb // cut_div.
    const double cut = std::max(1.0, std::floor(n / s.cut_div));
    const double pct = t > cut ? 1.0 - (t - cut) / (n - cut) : t / cut;
    return {s.lr_max * (1.0 + pct * (s.clr_div - 1.0)) / s.clr_div, -1};
  }
  if (s.kind == "cosine") {
    double cycle = s.cycle_len * static_cast<double>(std::max<int64_t>(per_epoch, 1)), pos = t;
    while (pos >= cycle) pos -= cycle, cycle *= s.cycle_mult;
    return {annealing_cos(s.lr_max, 0.0, pos / cycle), -1};
  }
  throw UserError("unknown schedule \"" + s.kind + "\" (expected one_cycle, stlr, cosine or constant)");
}

}  // namespace parlance
