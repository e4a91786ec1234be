#pragma once
// The order in which a task sees its documents or sentence pairs (fastai's
// samplers), made data-parallel; the classifier and the translator use it. Every rank computes the same global order from a shared seed,
// cuts it into global batches of world·bs documents and takes its own slice
// [rank·bs, (rank+1)·bs) of each, so W ranks with bs b see exactly the
// documents of 1 rank with bs W·b, batch for batch.
//  - Training (SortishSampler): a seeded permutation, cut into chunks of 50
//    global batches, each chunk sorted by length (longest first), cut into
//    global batches; the batch holding the longest document goes first (so
//    memory peaks at once), the others in a seeded random order.
//  - Validation (SortSampler): all documents by length, longest first.
#include <cstdint>
#include <vector>

namespace parlance {

// Document indices by length, longest first; ties by index.
std::vector<int64_t> sort_order(const std::vector<int64_t>& lengths);
// fastai v1's SortishSampler over `lengths` with batches of `global_bs`,
// drawn from (seed, epoch) alone.
std::vector<int64_t> sortish_order(const std::vector<int64_t>& lengths, int64_t global_bs, uint64_t seed,
                                   uint64_t epoch);

// This rank's documents of each global batch of `order`. `drop_last`: a
// final partial global batch is dropped (training: every rank then takes the
// same number of equally sized steps); otherwise it is split as evenly as the
// slices allow and a rank's slice may be empty.
std::vector<std::vector<int64_t>> rank_batches(const std::vector<int64_t>& order, int64_t bs, int world, int rank,
                                               bool drop_last);

// The longest document of each global batch of `order` (batches as
// rank_batches cuts them): every rank pads its slice to it, so a document
// meets the same padding whatever the rank count.
std::vector<int64_t> global_batch_longest(const std::vector<int64_t>& order, const std::vector<int64_t>& lengths,
                                          int64_t bs, int world, bool drop_last);

// One epoch's (or one evaluation's) batches for this rank: the global order,
// this rank's slice of each global batch, and each global batch's longest
// item by the lengths the order was drawn from (what every rank pads to).
struct BatchPlan {
  std::vector<int64_t> order;
  std::vector<std::vector<int64_t>> batches;
  std::vector<int64_t> pad_to;
};
// Training: sortish order from (seed, epoch), last partial global batch dropped.
BatchPlan training_plan(const std::vector<int64_t>& lengths, int64_t bs, int world, int rank, uint64_t seed,
                        uint64_t epoch);
// Validation / inference: longest first, nothing dropped.
BatchPlan validation_plan(const std::vector<int64_t>& lengths, int64_t bs, int world, int rank);

}  // namespace parlance
