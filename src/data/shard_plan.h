#pragma once
// Which bytes each rank reads. The corpus is one global byte stream (files in
// Corpus order); rank r's nominal share [T·r/N, T·(r+1)/N) moves both ends
// forward to the next record start, so shares tile the stream exactly, hold
// whole records, and are contiguous: concatenating the ranks' outputs in rank
// order reproduces the single-rank output. Every rank computes this alone.
#include <cstdint>
#include <vector>

#include "data/corpus.h"

namespace parlance {

struct FileRange {
  size_t source;  // index into Corpus::sources
  uint64_t begin, end;  // byte range within that file
};

// `data_begin[i]`: where records may start in source i (after a CSV header).
uint64_t align_to_record(const Corpus& c, const std::vector<uint64_t>& data_begin, uint64_t global_offset);
std::vector<FileRange> rank_share(const Corpus& c, const std::vector<uint64_t>& data_begin, int rank, int world);

}  // namespace parlance
