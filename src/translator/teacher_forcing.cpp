#include "translator/teacher_forcing.h"

#include <algorithm>

#include "util/splitmix64.h"

namespace parlance {

double teacher_forcing_probability(double epochs, int64_t epoch, int64_t step, int64_t steps) {
  if (epochs <= 0) return 0.0;
  const double progress = static_cast<double>(epoch) + static_cast<double>(step) / static_cast<double>(std::max<int64_t>(steps, 1));
  return std::clamp(1.0 - progress / epochs, 0.0, 1.0);
}

std::vector<bool> teacher_forcing_draws(double probability, int64_t positions, uint64_t seed, int64_t epoch,
                                        int64_t step) {
  SplitMix64 rng(mix64(seed ^ 0x7EAC4E5ull) ^ mix64(static_cast<uint64_t>(epoch) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step)));
  std::vector<bool> forced(static_cast<size_t>(std::max<int64_t>(positions, 0)));
  for (size_t t = 0; t < forced.size(); ++t) forced[t] = rng.uniform() < probability;
  return forced;
}

}  // namespace parlance
