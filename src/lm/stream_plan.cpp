#include "lm/stream_plan.h"

#include <string>

#include "util/error.h"

namespace parlance {

StreamPlan plan_streams(int64_t n_tokens, int world, int rank, int64_t bs, bool backwards) {
  const int64_t streams = static_cast<int64_t>(world) * bs;
  StreamPlan p;
  p.stream_len = streams > 0 ? n_tokens / streams : 0;
  if (p.stream_len < 3)
    throw UserError("split of " + std::to_string(n_tokens) + " tokens is too small for " + std::to_string(world) +
                    " ranks x bs " + std::to_string(bs) + " streams (each stream needs at least 3 tokens)");
  p.count = bs * p.stream_len;
  p.backwards = backwards;
  const int64_t begin = rank * p.count;  // in the (possibly reversed) array
  // Reversed index j is original index n-1-j: [begin, begin+count) reversed is
  // [n-begin-count, n-begin) of the original.
  p.first = backwards ? n_tokens - begin - p.count : begin;
  return p;
}

}  // namespace parlance
