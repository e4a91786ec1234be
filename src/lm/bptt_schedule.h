#pragma once
// awd-lstm-lm's variable BPTT. Each step takes bptt with probability 0.95,
// else bptt/2, then seq_len = max(5, int(N(that, 5))), clipped so the last
// target exists. The draws come from a generator seeded by (seed, epoch) that
// every rank shares, so every rank takes the same number of steps with the
// same lengths — a requirement for lock-step gradient averaging.
#include <cstdint>
#include <vector>

namespace parlance {

struct BpttStep {
  int64_t pos;      // first row of the step in each stream
  int64_t seq_len;  // rows in the step
};

// The steps of one epoch over streams of `stream_len` tokens.
std::vector<BpttStep> bptt_steps(int64_t stream_len, int64_t bptt, bool variable, uint64_t seed, uint64_t epoch);

}  // namespace parlance
