#include "text/utf8.h"

#include <utf8proc.h>

namespace parlance::utf8 {
namespace {

bool is_cont(unsigned char b) { return (b & 0xC0) == 0x80; }

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

}  // namespace

char32_t decode(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  size_t need;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *len = 1;
    return kReplacement;
  }
  size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) break;
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : !is_cont(b)) break;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (k <= need) {  // truncated: the lead and the valid continuations become one U+FFFD
    *len = k;
    return kReplacement;
  }
  *len = need + 1;
  return cp;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_valid(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    // Skip ASCII eight bytes at a time: almost all of English text.
    while (i + 8 <= n) {
      uint64_t w;
      __builtin_memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    if (decode(s, i, &len) == kReplacement && !(len == 3 && s.substr(i, 3) == "\xEF\xBF\xBD"))
      return false;
    i += len;
  }
  return true;
}

size_t repair(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  size_t replaced = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    char32_t cp = decode(s, i, &len);
    if (cp == kReplacement && !(len == 3 && s.substr(i, 3) == "\xEF\xBF\xBD")) replaced += len;
    if (cp < 0x80)
      out.push_back(static_cast<char>(cp));
    else
      append(out, cp);
    i += len;
  }
  return replaced;
}

std::string visible(std::string_view s) {
  std::string out;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    const char32_t c = decode(s, i, &len);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c != ' ' && is_space(c))) {
      static const char* kHex = "0123456789ABCDEF";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
    } else {
      out.append(s.substr(i, len));
    }
  }
  return out;
}

size_t length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += !is_cont(c);
  return n;
}

bool is_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_alpha(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_digit(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

bool is_word(char32_t c) {
  if (c < 0x80) return c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  return is_alpha(c) || is_digit(c);
}

bool is_upper(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return category(c) == UTF8PROC_CATEGORY_LU;
}
bool is_lower(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  return category(c) == UTF8PROC_CATEGORY_LL;
}
bool is_title(char32_t c) { return c >= 0x80 && category(c) == UTF8PROC_CATEGORY_LT; }

namespace {
// Python's isupper/islower share one shape: no char of the opposite case (or
// titlecase), and at least one of the wanted case.
template <bool (*Want)(char32_t), bool (*Other)(char32_t)>
bool all_cased_are(std::string_view s) {
  bool cased = false;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {  // ASCII without decoding
      if (Other(b)) return false;
      cased |= Want(b);
      ++i;
      continue;
    }
    size_t len;
    char32_t c = decode(s, i, &len);
    i += len;
    if (Other(c) || is_title(c)) return false;
    cased |= Want(c);
  }
  return cased;
}
}  // namespace

bool str_isupper(std::string_view s) { return all_cased_are<is_upper, is_lower>(s); }
bool str_islower(std::string_view s) { return all_cased_are<is_lower, is_upper>(s); }

void append_lower(std::string& out, std::string_view s) {
  size_t base = out.size();
  out.append(s);  // copy, then lower ASCII in place (branch-free)
  char* dst = out.data() + base;
  unsigned char any_high = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(dst[i]);
    any_high |= b;
    dst[i] = static_cast<char>(b + ((static_cast<unsigned>(b - 'A') < 26u) << 5));
  }
  if (!(any_high & 0x80)) return;
  out.resize(base);
  for (size_t i = 0; i < s.size();) {
    size_t len;
    char32_t c = decode(s, i, &len);
    append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    i += len;
  }
}

std::string to_lower(std::string_view s) {
  std::string out;
  append_lower(out, s);
  return out;
}

}  // namespace parlance::utf8
