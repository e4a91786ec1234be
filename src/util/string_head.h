#pragma once
// A string's first 8 bytes as one integer, zero-padded: hash tables compare
// heads before whole strings, sorts compare them instead of bytes.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace parlance {

// In memory order (a plain load on x86): equal heads, equal first 8 bytes.
inline uint64_t little_endian_head(std::string_view s) {
  uint64_t h = 0;
  std::memcpy(&h, s.data(), std::min<size_t>(8, s.size()));
  return h;
}

// Big-endian: two strings without NUL bytes whose heads differ compare as
// their heads do, so a sort reads whole strings only on a tie.
inline uint64_t big_endian_head(std::string_view s) {
  uint64_t h = 0;
  for (size_t i = 0; i < 8; ++i) h = (h << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0u);
  return h;
}

}  // namespace parlance
