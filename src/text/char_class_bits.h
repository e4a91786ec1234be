#pragma once
// One bit per byte of a text, set when the character the byte belongs to is
// in a class (\w, for the word starts replace_wrep walks), instead of
// decoding the text character by character.
//
// 16 bytes per step: ASCII bytes by a lane test, non-ASCII characters by
// decoding the ones whose lead byte (0xC0 and up) is in the step and marking
// all their bytes. This marks exactly what decoding from the start would: a
// lead byte always starts what utf8::decode reads (it never takes one as a
// continuation), and a stray continuation byte decodes as U+FFFD, which
// neither class holds.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "text/byte_lanes.h"
#include "text/utf8.h"

namespace parlance {

// Words needed for `n` bytes: one spare, since a step's bits can straddle two.
constexpr size_t class_bits_words(size_t n) { return n / 64 + 2; }

// `bits`: class_bits_words(t.size()) zeroed words; no bit past the text is set.
// `ascii_lanes(Bytes16)` gives the class of ASCII lanes (and 0 for bytes of
// 0x80 and up); `in_class(char32_t)` that of other code points.
template <class AsciiLanes, class InClass>
void mark_char_class(std::string_view t, AsciiLanes ascii_lanes, InClass in_class, uint64_t* bits) {
  const size_t n = t.size();
  for (size_t p = 0; p < n; p += 16) {
    lanes::Bytes16 a{};  // the last bytes zero-padded: a NUL is in neither class
    if (p + 16 <= n)
      a = lanes::load16(t.data() + p);
    else
      std::memcpy(&a, t.data() + p, n - p);
    uint64_t marked = lanes::bits(ascii_lanes(a));  // bit q: byte p + q (a character reaches p + 18 at most)
    for (uint32_t leads = lanes::bits(a >= 0xC0); leads; leads &= leads - 1) {
      const size_t q = static_cast<size_t>(__builtin_ctz(leads));
      size_t len;
      if (in_class(utf8::decode(t, p + q, &len))) marked |= ((uint64_t{1} << len) - 1) << q;
    }
    bits[p >> 6] |= marked << (p & 63);  // p is a multiple of 16
    if ((p & 63) > 32) bits[(p >> 6) + 1] |= marked >> (64 - (p & 63));
  }
}

// Python's ASCII \w ([A-Za-z0-9_]) as a lane test.
inline lanes::Mask16 ascii_word_lanes(lanes::Bytes16 a) {
  return (static_cast<lanes::Bytes16>((a | 0x20) - 'a') < 26) | (static_cast<lanes::Bytes16>(a - '0') < 10) |
         (a == '_');
}

}  // namespace parlance
