#pragma once
// The hash of the project's hot string tables (token interning in prep):
// FNV-1a over 8-byte words, then a strong finalizer. Short tokens dominate,
// so a word at a time beats byte-wise hashing, and the finalizer spreads the
// low bits that open addressing masks with.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace parlance {

inline uint64_t hash_bytes(std::string_view s) {
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

}  // namespace parlance
