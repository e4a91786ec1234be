#include "data/token_table.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "util/string_head.h"

namespace parlance {

namespace {
// FNV-1a over 8-byte words, then a strong finalizer: short tokens dominate.
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}
}  // namespace

uint32_t TokenTable::intern(std::string_view s, bool counted) {
  uint32_t id = find_or_insert(s, hash_bytes(s));
  counts_[id] += counted;
  return id;
}

size_t TokenTable::slot_of(std::string_view s, uint64_t h, uint64_t head) const {
  if (s.size() > UINT32_MAX) throw std::length_error("token longer than 4 GiB");
  const auto len = static_cast<uint32_t>(s.size());
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.id1 == 0 ||
        (slot.hash == h && slot.head == head && slot.len == len && (len <= 8 || strings_[slot.id1 - 1] == s)))
      return i;
  }
}

uint32_t TokenTable::find_or_insert(std::string_view s, uint64_t h) {
  const uint64_t head = little_endian_head(s);
  Slot& slot = slots_[slot_of(s, h, head)];
  if (slot.id1 != 0) return slot.id1 - 1;
  const auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  counts_.push_back(0);
  slot = {h, head, id + 1, static_cast<uint32_t>(s.size())};
  if (strings_.size() * 2 > slots_.size()) grow();
  return id;
}

int64_t TokenTable::find(std::string_view s) const {
  const Slot& slot = slots_[slot_of(s, hash_bytes(s), little_endian_head(s))];
  return static_cast<int64_t>(slot.id1) - 1;
}

void TokenTable::grow() {
  HugeVector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id1 == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].id1 != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

std::string TokenTable::serialize() const {
  std::string out;
  for (size_t i = 0; i < strings_.size(); ++i) {
    uint32_t len = static_cast<uint32_t>(strings_[i].size());
    uint64_t c = counts_[i];
    out.append(reinterpret_cast<const char*>(&len), 4).append(strings_[i]).append(reinterpret_cast<const char*>(&c), 8);
  }
  return out;
}

void TokenTable::merge_serialized(std::string_view blob) {
  for (size_t i = 0; i < blob.size();) {
    uint32_t len;
    uint64_t c;
    if (i + 4 > blob.size()) throw std::runtime_error("corrupt token table");
    std::memcpy(&len, blob.data() + i, 4);
    std::string_view s = blob.substr(i + 4, len);
    std::memcpy(&c, blob.data() + i + 4 + len, 8);
    uint32_t id = intern(s);
    counts_[id] += c - 1;  // intern() already counted one
    i += 4 + len + 8;
  }
}

}  // namespace parlance
