#pragma once
// The vocabulary, built exactly as fastai's Vocab.create but with a total
// order on ties: tokens with count >= min_freq sorted by count descending then
// bytes ascending, the first max_vocab of them, fastai's special tokens moved
// to the front, truncated to max_vocab, then padded with "xxfakeN" to a
// multiple of `multiple` when below the cap.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/token_table.h"

namespace parlance {

struct Vocab {
  std::vector<std::string> itos;
  std::vector<uint64_t> counts;  // corpus count of each entry (0 for padding)

  // `entry_ids`, when given, receives the id of each of global's entries,
  // entry_ids[i] == id(global.string(i)), found without a string lookup per
  // entry (prep maps every distinct token of every rank through it).
  static Vocab build(const TokenTable& global, int64_t max_vocab, int64_t min_freq, int64_t multiple,
                     std::vector<int32_t>* entry_ids = nullptr);
  static Vocab from_itos(std::vector<std::string> itos, const TokenTable& global,
                         std::vector<int32_t>* entry_ids = nullptr);
  int32_t id(std::string_view s) const;  // 0 (xxunk) when absent

 private:
  void index_strings();
  // entry_ids from each itos position's entry in global (-1: none), the
  // first position of an entry winning, as in id().
  static void set_entry_ids(const std::vector<int64_t>& entry_at, size_t n_entries, std::vector<int32_t>* entry_ids);
  // stoi: itos's distinct strings in a TokenTable (prep asks once per
  // distinct token of a rank, and a flat table with the first 8 bytes in the
  // slot beat std::unordered_map's hashing and node chase), and the itos
  // position of each, the first where a string repeats.
  TokenTable index_;
  std::vector<int32_t> position_;
};

}  // namespace parlance
