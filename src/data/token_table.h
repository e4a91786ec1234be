#pragma once
// A rank's own token inventory: each distinct string gets a local id in order
// of first appearance, with its count. Local ids are what the rank spills to
// disk during tokenization; after the global vocabulary is known they are
// remapped once. Tables from all ranks merge by string, so the merged counts
// do not depend on how the corpus was divided.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "util/huge_page_allocator.h"

namespace parlance {

class TokenTable {
 public:
  // The id of `s`, added if new; counted once more unless `counted` is false
  // (held-out text: its tokens get ids but no say in the vocabulary).
  uint32_t intern(std::string_view s, bool counted = true);
  // The id of `s`, or -1 when it is not in the table.
  int64_t find(std::string_view s) const;
  size_t size() const { return strings_.size(); }
  const std::string& string(uint32_t id) const { return strings_[id]; }
  uint64_t count(uint32_t id) const { return counts_[id]; }
  void add_count(uint32_t id, uint64_t n) { counts_[id] += n; }

  // Length-prefixed (string, count) records.
  std::string serialize() const;
  // Adds every (string, count) of a serialized table into this one.
  void merge_serialized(std::string_view blob);

 private:
  uint32_t find_or_insert(std::string_view s, uint64_t h);
  // The slot holding `s` (hash h, head = little_endian_head(s)), or the empty
  // slot where it would go.
  size_t slot_of(std::string_view s, uint64_t h, uint64_t head) const;
  void grow();

  std::deque<std::string> strings_;  // deque: views into it stay valid as it grows
  HugeVector<uint64_t> counts_;  // added to at random per token: huge pages, like slots_
  // Open addressing, linear probing: slot = (hash, id + 1, the string's
  // length and first 8 bytes), id1 0 = empty. Token interning is the hottest
  // lookup in prep, and a flat table avoids a node allocation and a pointer
  // chase per distinct token; a token of at most 8 bytes (most of them) is
  // matched in its slot without reading strings_ (a cache miss each, about
  // half of this lookup's time on aclImdb).
  struct Slot {
    uint64_t hash = 0;
    uint64_t head = 0;  // the first 8 bytes, zero-padded
    uint32_t id1 = 0;
    uint32_t len = 0;
  };
  HugeVector<Slot> slots_ = HugeVector<Slot>(1024);
};

}  // namespace parlance
