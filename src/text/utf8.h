#pragma once
// UTF-8 decoding and the handful of Unicode character classes the tokenizer
// needs, with the semantics of Python's `str` methods and `re` classes, since
// the fastai rules we reproduce are written in Python.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parlance::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Classes of ASCII bytes (Python semantics), for loops that skip decoding.
enum AsciiClass : uint8_t { kSpace = 1, kWord = 2, kAlpha = 4, kDigit = 8, kUpper = 16, kLower = 32 };
struct AsciiTable {
  uint8_t cls[128];
  constexpr AsciiTable() : cls() {
    for (int c = 0; c < 128; ++c) {
      uint8_t v = 0;
      if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) v |= kSpace;
      if (c >= 'a' && c <= 'z') v |= kAlpha | kLower | kWord;
      if (c >= 'A' && c <= 'Z') v |= kAlpha | kUpper | kWord;
      if (c >= '0' && c <= '9') v |= kDigit | kWord;
      if (c == '_') v |= kWord;
      cls[c] = v;
    }
  }
};
inline constexpr AsciiTable kAscii{};
inline bool ascii_is(unsigned char b, uint8_t cls) { return b < 0x80 && (kAscii.cls[b] & cls); }

// Decodes the code point at s[i]. Invalid or truncated sequences decode as
// U+FFFD covering their maximal invalid subpart (as Python's errors="replace").
// Returns the code point; *len receives the number of bytes consumed (>= 1).
char32_t decode(std::string_view s, size_t i, size_t* len);

void append(std::string& out, char32_t cp);

// True when `s` is valid UTF-8 (fast path: most text never needs repair).
bool is_valid(std::string_view s);

// Copies `s` to `out`, replacing invalid sequences with U+FFFD.
// Returns the number of input bytes that were replaced.
size_t repair(std::string_view s, std::string& out);

// Number of code points (Python len()).
size_t length(std::string_view s);

// Python `str.isspace()` for one code point (also what `\s` matches in `re`).
bool is_space(char32_t c);
// What Python's `\w` matches in a str pattern: letters, numbers, underscore.
bool is_word(char32_t c);
bool is_alpha(char32_t c);
bool is_digit(char32_t c);
bool is_upper(char32_t c);  // category Lu
bool is_lower(char32_t c);  // category Ll
bool is_title(char32_t c);  // category Lt

// Python str.isupper() / str.islower() over a whole string.
bool str_isupper(std::string_view s);
bool str_islower(std::string_view s);
// Python str.lower() (simple case mapping), appended to `out`.
void append_lower(std::string& out, std::string_view s);
std::string to_lower(std::string_view s);

// A token as a reader of a message can see it, for quoting it in "...": the
// C0 and C1 controls, DEL and whitespace other than ' ' written as \n, \t,
// \r or \uXXXX (IMDb's vocabulary holds U+0085 and U+0096, which terminals
// print as nothing or as a line break), '"' and '\\' escaped; the rest as is.
std::string visible(std::string_view s);

}  // namespace parlance::utf8
