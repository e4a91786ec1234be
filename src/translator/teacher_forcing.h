#pragma once
// Teacher forcing as the lesson schedules it: the probability that the
// decoder is fed the true previous token (rather than its own prediction)
// starts at 1 and falls linearly to 0 over `epochs` epochs (fastai's lesson
// used (10 - epoch) / 10 per epoch; here it falls per step, so it needs no
// epoch boundary). One draw per target position serves the whole batch, and
// the draws come from (seed, epoch, step) alone: every rank forces the same
// positions, so W ranks train exactly as one rank with the global batch.
#include <cstdint>
#include <vector>

namespace parlance {

// Probability for step `step` of `steps` in epoch `epoch`; `epochs` <= 0: 0 (never forced).
double teacher_forcing_probability(double epochs, int64_t epoch, int64_t step, int64_t steps);
// forced[t] for target positions t < positions.
std::vector<bool> teacher_forcing_draws(double probability, int64_t positions, uint64_t seed, int64_t epoch,
                                        int64_t step);

}  // namespace parlance
