#include "text/html_unescape.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "text/utf8.h"

namespace parlance {
namespace {

struct HtmlEntity {
  const char* name;
  const char* value;
};
struct NumericRemap {
  uint32_t code;
  const char* value;
};
#include "text/html_entities.inc"

const char* find_entity(std::string_view name) {
  auto it = std::lower_bound(std::begin(kHtmlEntities), std::end(kHtmlEntities), name,
                             [](const HtmlEntity& e, std::string_view n) { return std::string_view(e.name) < n; });
  if (it != std::end(kHtmlEntities) && std::string_view(it->name) == name) return it->value;
  return nullptr;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
bool is_dec(char c) { return c >= '0' && c <= '9'; }

void append_numeric(std::string& out, std::string_view digits, int base) {
  // Python's int() has no overflow; anything past 0x10FFFF only matters as "too big".
  uint64_t num = 0;
  for (char c : digits) {
    int d = is_dec(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    num = std::min<uint64_t>(num * base + d, 0x7FFFFFFF);
  }
  for (const auto& r : kInvalidCharrefs)
    if (r.code == num) return out.append(r.value), void();
  if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return utf8::append(out, utf8::kReplacement);
  for (uint32_t c : kInvalidCodepoints)
    if (c == num) return;
  utf8::append(out, static_cast<char32_t>(num));
}

}  // namespace

std::string html_unescape(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) break;
    out.append(s.substr(i, amp - i));
    size_t p = amp + 1;
    // Same alternatives, in the same order, as Python's _charref pattern.
    if (p < s.size() && s[p] == '#') {
      bool hex = p + 1 < s.size() && (s[p + 1] | 0x20) == 'x';
      size_t d = p + 1 + hex, e = d;
      while (e < s.size() && (hex ? is_hex(s[e]) : is_dec(s[e]))) ++e;
      if (e > d) {
        append_numeric(out, s.substr(d, e - d), hex ? 16 : 10);
        i = e + (e < s.size() && s[e] == ';');
        continue;
      }
      out.push_back('&');  // "&#" with no digits: not a reference
      i = p;
      continue;
    }
    size_t e = p;
    while (e < s.size() && e - p < 32 && !std::strchr("\t\n\f <&#;", s[e])) ++e;
    if (e == p) {
      out.push_back('&');
      i = p;
      continue;
    }
    if (e < s.size() && s[e] == ';') ++e;
    std::string_view ref = s.substr(p, e - p);
    if (const char* v = find_entity(ref)) {
      out.append(v);
    } else {
      size_t x = ref.size() - 1;
      for (; x > 1; --x) {
        if (const char* pv = find_entity(ref.substr(0, x))) {
          out.append(pv).append(ref.substr(x));
          break;
        }
      }
      if (x <= 1) out.append("&").append(ref);
    }
    i = e;
  }
  out.append(s.substr(std::min(i, s.size())));
  return out;
}

}  // namespace parlance
