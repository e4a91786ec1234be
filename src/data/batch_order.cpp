#include "data/batch_order.h"

#include <algorithm>
#include <numeric>

#include "util/splitmix64.h"

namespace parlance {
namespace {

void sort_longest_first(std::vector<int64_t>::iterator first, std::vector<int64_t>::iterator last,
                        const std::vector<int64_t>& lengths) {
  std::stable_sort(first, last, [&](int64_t a, int64_t b) {
    return lengths[static_cast<size_t>(a)] > lengths[static_cast<size_t>(b)];
  });
}

template <class T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);  // Fisher–Yates
}

}  // namespace

std::vector<int64_t> sort_order(const std::vector<int64_t>& lengths) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  sort_longest_first(order.begin(), order.end(), lengths);
  return order;
}

std::vector<int64_t> sortish_order(const std::vector<int64_t>& lengths, int64_t global_bs, uint64_t seed,
                                   uint64_t epoch) {
  SplitMix64 rng(mix64(seed) ^ mix64(epoch + 0x50B7ull));
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  const size_t chunk = static_cast<size_t>(global_bs) * 50, bs = static_cast<size_t>(global_bs);
  for (size_t i = 0; i < order.size(); i += chunk)
    sort_longest_first(order.begin() + static_cast<std::ptrdiff_t>(i),
                       order.begin() + static_cast<std::ptrdiff_t>(std::min(i + chunk, order.size())), lengths);
  std::vector<std::vector<int64_t>> batches;
  for (size_t i = 0; i < order.size(); i += bs)
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                         order.begin() + static_cast<std::ptrdiff_t>(std::min(i + bs, order.size())));
  if (batches.empty()) return order;
  // Each batch starts with its longest document (chunks are sorted); the batch
  // with the longest of all goes first, the rest are shuffled.
  size_t longest = 0;
  for (size_t b = 1; b < batches.size(); ++b)
    if (lengths[static_cast<size_t>(batches[b][0])] > lengths[static_cast<size_t>(batches[longest][0])]) longest = b;
  std::swap(batches[0], batches[longest]);
  std::vector<std::vector<int64_t>> rest(batches.begin() + 1, batches.end());
  shuffle(rest, rng);
  std::vector<int64_t> out(batches[0]);
  for (const auto& b : rest) out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<std::vector<int64_t>> rank_batches(const std::vector<int64_t>& order, int64_t bs, int world, int rank,
                                               bool drop_last) {
  const size_t global = static_cast<size_t>(bs) * static_cast<size_t>(world);
  std::vector<std::vector<int64_t>> out;
  for (size_t start = 0; start < order.size(); start += global) {
    const size_t n = std::min(global, order.size() - start);
    if (n < global && drop_last) break;
    // Slice r is [n·r/world, n·(r+1)/world): [r·bs, (r+1)·bs) for a full
    // batch, sizes differing by at most one for a partial one.
    const size_t w = static_cast<size_t>(world), r = static_cast<size_t>(rank);
    const size_t lo = n * r / w, hi = n * (r + 1) / w;
    out.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start + lo),
                     order.begin() + static_cast<std::ptrdiff_t>(start + hi));
  }
  return out;
}

std::vector<int64_t> global_batch_longest(const std::vector<int64_t>& order, const std::vector<int64_t>& lengths,
                                          int64_t bs, int world, bool drop_last) {
  std::vector<int64_t> out;
  for (const auto& batch : rank_batches(order, bs * world, 1, 0, drop_last)) {
    int64_t longest = 0;
    for (int64_t i : batch) longest = std::max(longest, lengths[static_cast<size_t>(i)]);
    out.push_back(longest);
  }
  return out;
}

BatchPlan training_plan(const std::vector<int64_t>& lengths, int64_t bs, int world, int rank, uint64_t seed,
                        uint64_t epoch) {
  BatchPlan p;
  p.order = sortish_order(lengths, bs * world, seed, epoch);
  p.batches = rank_batches(p.order, bs, world, rank, /*drop_last=*/true);
  p.pad_to = global_batch_longest(p.order, lengths, bs, world, true);
  return p;
}

BatchPlan validation_plan(const std::vector<int64_t>& lengths, int64_t bs, int world, int rank) {
  BatchPlan p;
  p.order = sort_order(lengths);
  p.batches = rank_batches(p.order, bs, world, rank, /*drop_last=*/false);
  p.pad_to = global_batch_longest(p.order, lengths, bs, world, false);
  return p;
}

}  // namespace parlance
