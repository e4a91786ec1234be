#pragma once
// fastai v1's per-epoch shuffle for language models: each epoch the split's
// documents are concatenated in a new order, drawn from (seed, epoch) so every
// rank draws the same one, and the streams are cut from that concatenation.
// A rank still reads only its own range: the pieces of the documents that
// fall inside it.
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

class PreparedDataset;

std::vector<int64_t> shuffled_doc_order(int64_t n_docs, uint64_t seed, uint64_t epoch);

// Tokens [first, first + count) of the concatenation of the split's documents
// in `order`. `doc_offsets` is SPLIT/doc_offsets.
std::vector<int32_t> read_in_doc_order(const PreparedDataset& data, const std::string& split,
                                       const std::vector<int64_t>& doc_offsets, const std::vector<int64_t>& order,
                                       int64_t first, int64_t count);

}  // namespace parlance
