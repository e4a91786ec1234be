#pragma once
// `parlance prep` end to end, run by every rank:
//   A. discover the corpus and agree on errors (every rank, no reading)
//   B. read this rank's byte share in chunks, tokenize, count tokens into a
//      local table and spill local ids to an anonymous scratch file
//   C. merge counts over MPI, build the vocabulary, then write every split
//      with collective parallel-HDF5 writes to a temporary file that rank 0
//      completes (strings, attributes) and renames into place.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/prep_config.h"
#include "util/error.h"

namespace parlance {

struct PrepSummary {
  std::string out_path;
  std::vector<std::string> splits;
  std::vector<uint64_t> split_docs;
  std::vector<std::vector<uint64_t>> split_tokens;  // [split][stream]
  std::vector<std::string> stream_names;           // "" or "src", "tgt"
  std::vector<size_t> vocab_sizes;                  // per stream
  std::vector<std::vector<uint64_t>> split_unk;    // [split][stream]: tokens that became xxunk
  std::vector<std::string> vocab_splits;            // the splits the vocabulary was counted over
  std::vector<std::string> classes;
  std::vector<int64_t> truncated_to;                // per stream, -1 = no truncation
  uint64_t repaired_bytes = 0, total_bytes = 0;
  double seconds = 0;
  double unpack_seconds = 0;  // compressed inputs unpacked first (0: none)
  // Rank 0's phases: listing the corpus and sizing its files (with the
  // recipe checks), tokenizing its share, the vocabulary, the HDF5 write.
  double discover_seconds = 0, tokenize_seconds = 0, vocab_seconds = 0, write_seconds = 0;
  std::vector<uint64_t> rank_bytes;
  std::vector<double> rank_seconds;
  // This rank's steps in order, each with its seconds; they add up to `seconds`.
  struct Step {
    std::string name;
    double seconds;
  };
  std::vector<Step> steps;
};

// Called on rank 0 after each chunk: bytes of its own share done and in total.
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

PrepSummary run_prep(const PrepConfig& cfg, const ProgressFn& progress);

}  // namespace parlance
