#include "lm/doc_shuffle.h"

#include <numeric>

#include "data/prepared_dataset.h"
#include "util/splitmix64.h"

namespace parlance {

std::vector<int64_t> shuffled_doc_order(int64_t n_docs, uint64_t seed, uint64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n_docs));
  std::iota(order.begin(), order.end(), 0);
  SplitMix64 rng(mix64(seed) ^ mix64(epoch + 0x5DEECE66Dull));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);  // Fisher–Yates
  return order;
}

std::vector<int32_t> read_in_doc_order(const PreparedDataset& data, const std::string& split,
                                       const std::vector<int64_t>& doc_offsets, const std::vector<int64_t>& order,
                                       int64_t first, int64_t count) {
  std::vector<int32_t> out;
  out.reserve(static_cast<size_t>(count));
  int64_t pos = 0;  // start of the current document in the shuffled concatenation
  for (int64_t d : order) {
    const int64_t begin = doc_offsets[static_cast<size_t>(d)], len = doc_offsets[static_cast<size_t>(d) + 1] - begin;
    const int64_t lo = std::max(first, pos), hi = std::min(first + count, pos + len);
    if (lo < hi) {
      auto piece = data.tokens(split, static_cast<uint64_t>(begin + lo - pos), static_cast<uint64_t>(hi - lo));
      out.insert(out.end(), piece.begin(), piece.end());
    }
    pos += len;
    if (pos >= first + count) break;
  }
  return out;
}

}  // namespace parlance
