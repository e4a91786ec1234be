#pragma once
// The vocabulary, built exactly as fastai's Vocab.create but with a total
// order on ties: tokens with count >= min_freq sorted by count descending then
// bytes ascending, the first max_vocab of them, fastai's special tokens moved
// to the front, truncated to max_vocab, then padded with "xxfakeN" to a
// multiple of `multiple` when below the cap.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/token_table.h"

namespace parlance {

struct Vocab {
  std::vector<std::string> itos;
  std::vector<uint64_t> counts;  // corpus count of each entry (0 for padding)
  std::unordered_map<std::string, int32_t> stoi;

  static Vocab build(const TokenTable& global, int64_t max_vocab, int64_t min_freq, int64_t multiple);
  static Vocab from_itos(std::vector<std::string> itos, const TokenTable& global);
  int32_t id(const std::string& s) const;  // 0 (xxunk) when absent
};

}  // namespace parlance
