#pragma once
// Learning-rate (and momentum) schedules as fastai defines them, as pure
// functions of the step, so they can be tested against their formulas and
// resumed from a step count.
#include <cstdint>
#include <string>

namespace parlance {

struct ScheduleSpec {
  std::string kind = "one_cycle";  // one_cycle | stlr | cosine | constant
  double lr_max = 1e-3;
  // one_cycle (fastai v1 fit_one_cycle): div_factor, pct_start, moms, final_div.
  double div = 25.0, pct_start = 0.3, mom_max = 0.95, mom_min = 0.85, final_div = 0;  // 0: div * 1e4
  // stlr (fastai 0.7 use_clr=(div, cut_div)): lr_max/div → lr_max over total/cut_div steps, then back.
  double clr_div = 32.0, cut_div = 10.0;
  // cosine / SGDR: restarts every cycle_len epochs, cycle lengths × cycle_mult.
  double cycle_len = 1.0, cycle_mult = 1.0;
};

struct ScheduleValue {
  double lr;
  double mom;  // momentum (SGD) or beta1 (Adam); < 0: leave as configured
};

// `step` in [0, total_steps); `steps_per_epoch` only matters for SGDR.
ScheduleValue schedule_at(const ScheduleSpec& s, int64_t step, int64_t total_steps, int64_t steps_per_epoch);

double annealing_cos(double start, double end, double pct);

}  // namespace parlance
