#include "data/shard_plan.h"

#include <algorithm>

#include "data/record_scan.h"

namespace parlance {

uint64_t align_to_record(const Corpus& c, const std::vector<uint64_t>& data_begin, uint64_t g) {
  if (g >= c.total_bytes) return c.total_bytes;
  auto it = std::upper_bound(c.sources.begin(), c.sources.end(), g,
                             [](uint64_t v, const Source& s) { return v < s.start + s.size; });
  const Source& s = *it;
  size_t i = static_cast<size_t>(it - c.sources.begin());
  uint64_t local = g - s.start;
  if (local == 0 && data_begin[i] == 0) return g;
  return s.start + next_record_start(s.path, s.size, c.record, local, data_begin[i]);
}

std::vector<FileRange> rank_share(const Corpus& c, const std::vector<uint64_t>& data_begin, int rank, int world) {
  auto nominal = [&](int r) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(c.total_bytes) * r) / world);
  };
  uint64_t begin = align_to_record(c, data_begin, nominal(rank));
  uint64_t end = rank + 1 == world ? c.total_bytes : align_to_record(c, data_begin, nominal(rank + 1));
  std::vector<FileRange> out;
  for (size_t i = 0; i < c.sources.size(); ++i) {
    const Source& s = c.sources[i];
    uint64_t a = std::max(begin, s.start), b = std::min(end, s.start + s.size);
    a = std::max(a, s.start + data_begin[i]);
    if (a < b) out.push_back({i, a - s.start, b - s.start});
  }
  return out;
}

}  // namespace parlance
