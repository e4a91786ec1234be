#include "text/rule_screen.h"

#include <cstdint>
#include <cstring>

#include "text/byte_lanes.h"

namespace parlance {
namespace {

using lanes::Bytes16;
using lanes::load16;
using lanes::Mask16;

// Lane j of a step at p looks at bytes p+j .. p+j+5.
constexpr size_t kReach = 5;

struct Accumulated {
  Mask16 html{}, double_space{}, spaced{}, repeat{};

  void step(const char* p) {
    const Bytes16 a = load16(p), b = load16(p + 1), c = load16(p + 2), d = load16(p + 3);
    const Mask16 space = a == ' ';
    for (char c : kFixHtmlChars) html |= a == c;
    double_space |= space & (b == ' ');
    spaced |= (a == '/') | (a == '#') | (a == '\n');
    // replace_rep wants one non-space character four times. A 1-byte one
    // (ASCII, or a stray byte of broken UTF-8) is four equal bytes. A 2-byte
    // one (é) is XYXYXYXY: ask for its first two copies. A 3-byte one (…,
    // CJK) asks for two copies of its 3 bytes; a 4-byte one (emoji) is sent
    // to the rule whenever its lead byte occurs.
    const Mask16 ascii_run = (a == b) & (b == c) & (c == d) & ~space;
    const Mask16 two_byte = (a >= 0xC0) & (a == c) & (b == d);
    const Mask16 three_byte = (a >= 0xE0) & (a == d) & (b == load16(p + 4)) & (c == load16(p + 5));
    repeat |= ascii_run | two_byte | three_byte | (a >= 0xF0);
  }
};

}  // namespace

RuleScreen screen_rules(std::string_view t) {
  Accumulated acc;
  const char* s = t.data();
  const size_t n = t.size();
  size_t p = 0;
  for (; p + 16 + kReach <= n; p += 16) acc.step(s + p);
  if (p < n) {
    // The last bytes (fewer than 16 + kReach), then bytes that cannot flag
    // anything: continuation bytes (0x80..0xBF), each unlike the others, so
    // no lane that reaches past the text sees a character, a space or a run.
    char tail[2 * 16 + kReach];
    for (size_t k = 0; k < sizeof tail; ++k) tail[k] = static_cast<char>(0x80 + k);
    std::memcpy(tail, s + p, n - p);
    for (size_t q = 0; q < n - p; q += 16) acc.step(tail + q);
  }
  return {lanes::any(acc.html), lanes::any(acc.double_space), lanes::any(acc.spaced), lanes::any(acc.repeat)};
}

}  // namespace parlance
