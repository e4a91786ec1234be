#pragma once
// The first 8 bytes of a string read as a big-endian number, zero-padded:
// two strings without NUL bytes whose heads differ compare as their heads do,
// so a sort compares integers and reads whole strings only on a tie.
#include <cstdint>
#include <string_view>

namespace parlance {

inline uint64_t big_endian_head(std::string_view s) {
  uint64_t h = 0;
  for (size_t i = 0; i < 8; ++i) h = (h << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0u);
  return h;
}

}  // namespace parlance
