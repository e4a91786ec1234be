#include "lm/bptt_schedule.h"

#include <algorithm>

#include "util/splitmix64.h"

namespace parlance {

std::vector<BpttStep> bptt_steps(int64_t stream_len, int64_t bptt, bool variable, uint64_t seed, uint64_t epoch) {
  std::vector<BpttStep> steps;
  SplitMix64 rng(seed * 0x100000001B3ull ^ (epoch + 1) * 0x9E3779B97F4A7C15ull);
  // As in awd-lstm-lm's loop: while i < len - 2; the targets of a step are
  // rows pos+1 .. pos+seq_len, so seq_len is clipped to len - 1 - pos.
  for (int64_t pos = 0; pos < stream_len - 2;) {
    int64_t len = bptt;
    if (variable) {
      double base = rng.uniform() < 0.95 ? static_cast<double>(bptt) : static_cast<double>(bptt) / 2.0;
      len = std::max<int64_t>(5, static_cast<int64_t>(rng.normal(base, 5.0)));
    }
    len = std::min(len, stream_len - 1 - pos);
    steps.push_back({pos, len});
    pos += len;
  }
  return steps;
}

}  // namespace parlance
