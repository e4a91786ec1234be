#include "text/fastai_rules.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "text/byte_lanes.h"
#include "text/char_class_bits.h"
#include "text/html_unescape.h"
#include "text/rule_screen.h"
#include "text/utf8.h"

namespace parlance {
namespace {

// Most texts need few of the rules, so each rule below reads `in` and, only
// when the text changes, writes the result to `out` and returns true.

// str.replace, searching for the needle's rarest character (`anchor`, an index
// into `from`) with memchr: most needles here start with a space or a letter.
bool replace_all(std::string_view s, std::string_view from, size_t anchor, std::string_view to, std::string& out) {
  const char a = from[anchor];
  size_t copied = 0;
  for (size_t pos = s.find(a, anchor); pos != std::string_view::npos; pos = s.find(a, pos + 1)) {
    size_t start = pos - anchor;
    if (start < copied || s.compare(start, from.size(), from) != 0) continue;
    if (copied == 0) out.reserve(s.size());
    out.append(s.substr(copied, start - copied)).append(to);
    copied = start + from.size();
    pos = copied + anchor - 1;
  }
  if (copied == 0) return false;
  out.append(s.substr(copied));
  return true;
}

// Word-at-a-time byte tests (SWAR): the high bit of each byte of the result is
// set exactly where w's byte equals c.
constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull, kLow7 = 0x7F7F7F7F7F7F7F7Full;
inline uint64_t bytes_equal(uint64_t w, unsigned char c) {
  uint64_t v = w ^ (kOnes * c);
  return ~(((v & kLow7) + kLow7) | v) & kHigh;
}
inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Offset of the first "  " in s at or after `from`, or npos; 8 bytes per step.
size_t find_double_space(std::string_view s, size_t from = 0) {
  size_t i = from;
  bool prev_space = i > 0 && s[i - 1] == ' ';  // the byte before s[i]
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t sp = bytes_equal(load8(s.data() + i), ' ');
    if ((sp & (sp >> 8)) || (prev_space && (sp & 0x80))) break;
    prev_space = sp >> 63;
  }
  for (i = i > from ? i - 1 : from; i + 1 < s.size(); ++i)
    if (s[i] == ' ' && s[i + 1] == ' ') return i;
  return std::string_view::npos;
}

bool rm_useless_spaces(std::string_view t, std::string& out) {
  size_t p = find_double_space(t);
  if (p == std::string_view::npos) return false;
  out.reserve(t.size());
  size_t copied = 0;
  while (p != std::string_view::npos) {  // t[p] and t[p + 1] are spaces: keep the first
    out.append(t.data() + copied, p + 1 - copied);
    size_t q = p + 2;
    while (q < t.size() && t[q] == ' ') ++q;
    copied = q;
    p = find_double_space(t, q);
  }
  out.append(t.data() + copied, t.size() - copied);
  return true;
}

bool ascii_space(unsigned char c) { return utf8::ascii_is(c, utf8::kSpace); }

// Python str.split() with no arguments, counting only.
size_t count_py_words(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    bool sp = utf8::is_space(utf8::decode(s, i, &len));
    if (!sp && !in_word) ++n;
    in_word = !sp;
    i += len;
  }
  return n;
}

// A text going through a chain of rules: the current text is `text()`, and
// a rule that changes it writes into whichever buffer does not hold it.
class RuleChain {
 public:
  explicit RuleChain(std::string_view text) : cur_(text) {}
  // True when the rule changed the text.
  template <class Rule>
  bool apply(Rule rule) {
    std::string& out = buf_[next_];
    out.clear();
    if (!rule(cur_, out)) return false;
    cur_ = out;
    next_ ^= 1;
    return true;
  }
  std::string_view text() const { return cur_; }

 private:
  // Reused across calls on a thread: prep calls the chain once per document,
  // and fresh strings cost a malloc each, and page faults for long documents.
  static thread_local std::string buf_[2];
  std::string_view cur_;
  int next_ = 0;
};
thread_local std::string RuleChain::buf_[2];

// Which of the characters fix_html searches for occur in `t`, bit i for
// kFixHtmlChars[i]: one pass over a short text instead of a memchr per rule.
struct HtmlCharBits {
  uint8_t bit[256] = {};
  constexpr HtmlCharBits() {
    for (unsigned i = 0; i < kFixHtmlCharCount; ++i) bit[static_cast<unsigned char>(kFixHtmlChars[i])] = static_cast<uint8_t>(1u << i);
  }
};
constexpr HtmlCharBits kHtmlBit{};

unsigned html_chars_in(std::string_view t) {
  // 16 bytes per step, one lane mask per character (long texts: articles,
  // reviews); the bytes after the last step one at a time.
  lanes::Mask16 found[kFixHtmlCharCount] = {};
  size_t p = 0;
  for (; p + 16 <= t.size(); p += 16) {
    const lanes::Bytes16 a = lanes::load16(t.data() + p);
    for (unsigned i = 0; i < kFixHtmlCharCount; ++i) found[i] |= a == kFixHtmlChars[i];
  }
  unsigned seen = 0;
  for (unsigned i = 0; i < kFixHtmlCharCount; ++i) seen |= lanes::any(found[i]) ? 1u << i : 0;
  for (; p < t.size(); ++p) seen |= kHtmlBit.bit[static_cast<unsigned char>(t[p])];
  return seen;
}

// True when the text changed (or may have: html.unescape does not say).
bool fix_html_rules(RuleChain& chain) {
  // The same chain of str.replace calls as fastai, in the same order; the
  // number is the index of the character we search for. A rule whose
  // character the text lacks cannot match: no replacement writes '#', ';',
  // '<' or '@', and the '&' that "amp;" writes is noted for html.unescape.
  struct Rule {
    std::string_view from;
    size_t anchor;
    std::string_view to;
  };
  static const Rule kReplacements[] = {
      {"#39;", 0, "'"},  {"amp;", 3, "&"},   {"#146;", 0, "'"},   {"nbsp;", 4, " "}, {"#36;", 0, "$"},
      {"\\n", 0, "\n"}, {"quot;", 4, "'"},  {"<br />", 0, "\n"}, {"\\\"", 0, "\""},  {"<unk>", 0, tok::UNK},
      {" @.@ ", 1, "."}, {" @-@ ", 1, "-"},  {" @,@ ", 1, ","},    {"\\", 0, " \\ "},
  };
  unsigned seen = html_chars_in(chain.text());
  bool changed = false;
  for (const auto& r : kReplacements) {
    if (!(seen & kHtmlBit.bit[static_cast<unsigned char>(r.from[r.anchor])])) continue;
    changed |= chain.apply([&](std::string_view in, std::string& out) {
      if (!replace_all(in, r.from, r.anchor, r.to, out)) return false;
      seen |= html_chars_in(r.to);
      return true;
    });
  }
  if (seen & kHtmlBit.bit['&'])
    changed |= chain.apply([](std::string_view in, std::string& out) {
      out = html_unescape(in);
      return true;
    });
  changed |= chain.apply([](std::string_view in, std::string& out) { return rm_useless_spaces(in, out); });  // re1 = '  +' → ' '
  return changed;
}

bool replace_rep(std::string_view t, std::string& out) {
  // (\S)(\1{3,}) → ' xxrep N c '. Runs of four are rare: copy in bulk between them.
  size_t copied = 0, i = 0;
  const size_t n = t.size();
  while (i < n) {
    // Skip 8 positions at once when they are ASCII and no byte equals its
    // successor: a repeat needs one, and such pairs are uncommon in text.
    if (i + 9 <= n) {
      uint64_t a = load8(t.data() + i), b8 = load8(t.data() + i + 1);
      uint64_t x = a ^ b8;
      bool ascii = !((a | b8) & kHigh);  // multi-byte repeats differ byte to byte
      if (ascii && !((x - kOnes) & ~x & kHigh)) {
        i += 8;
        continue;
      }
    }
    auto b = static_cast<unsigned char>(t[i]);
    size_t len = 1;
    if (b < 0x80) {
      if (i + 3 >= n || t[i + 1] != t[i] || t[i + 2] != t[i] || t[i + 3] != t[i] || ascii_space(b)) {
        ++i;
        continue;
      }
    } else if (utf8::is_space(utf8::decode(t, i, &len)) || i + 4 * len > n ||
               t.compare(i + len, len, t.substr(i, len)) != 0) {
      i += len;
      continue;
    }
    size_t j = i + len, reps = 1;
    while (j + len <= n && t.compare(j, len, t.substr(i, len)) == 0) j += len, ++reps;
    if (reps < 4) {
      i = j;
      continue;
    }
    if (copied == 0) out.reserve(n + 64);
    out.append(t.substr(copied, i - copied));
    out.append(" ").append(tok::REP).append(" ").append(std::to_string(reps)).append(" ");
    out.append(t.substr(i, len)).append(" ");
    copied = i = j;
  }
  if (copied == 0) return false;
  out.append(t.substr(copied));
  return true;
}

// The word starts of a text (a \w character after a \W one, or first), one
// bit per byte: the \w bytes (text/char_class_bits.h), then each one whose
// predecessor is not. Every byte of a multi-byte word character counts as
// word, so starts fall on character boundaries only.
class WordStarts {
 public:
  explicit WordStarts(std::string_view t) : n_(t.size()), bits_(thread_bits()) {
    bits_.assign(class_bits_words(n_), 0);
    mark_char_class(t, ascii_word_lanes, utf8::is_word, bits_.data());
    uint64_t carry = 0;  // the last byte of the previous 64 was a word byte
    for (uint64_t& b : bits_) {
      const uint64_t word = b;
      b = word & ~((word << 1) | carry);
      carry = word >> 63;
    }
    data_ = bits_.data();
    words_ = bits_.size();
    left_ = data_[0];
  }
  // The word starts in order, one per call, then the text's size: the bits
  // not yet returned of the current 64 are kept in a register.
  size_t next() {
    while (!left_) {
      if (++k_ >= words_) return n_;
      left_ = data_[k_];
    }
    const size_t p = (k_ << 6) + static_cast<size_t>(__builtin_ctzll(left_));
    left_ &= left_ - 1;
    return std::min(p, n_);
  }
  // Continues next() from the first word start at or after p.
  void seek(size_t p) {
    k_ = std::min(p >> 6, words_ - 1);
    left_ = p < n_ ? data_[k_] & (~uint64_t{0} << (p & 63)) : 0;
  }

 private:
  // Reused across calls on a thread, as the rule chain's buffers. Reached once
  // per text: each use of a thread_local with a destructor goes through its
  // initialization check, which cost more than the scan on short texts.
  static std::vector<uint64_t>& thread_bits() {
    static thread_local std::vector<uint64_t> bits;
    return bits;
  }
  size_t n_;
  std::vector<uint64_t>& bits_;
  const uint64_t* data_;  // bits_'s, in registers while next() walks
  size_t words_, k_ = 0;
  uint64_t left_;  // bits of word k_ not yet returned
};

bool replace_wrep(std::string_view t, std::string& out) {
  // (\b\w+\W+)(\1{3,}) → ' xxwrep N c ' with N = len(cc.split()) + 1.
  // \b\w+ can only start at a word start and must take the whole word (it is
  // followed by \W+). The engine tries the longest \W+ first, and only the
  // whole non-word run can work: a shorter group would have to repeat starting
  // at a non-word character, but it starts with a word character.
  size_t copied = 0;  // t[copied:] not yet in out
  WordStarts starts(t);
  // i: a word start (a \w after a \W or the start of the text), or the end;
  // starts.next() gives the one after i.
  for (size_t i = starts.next(); i < t.size();) {
    const size_t se = starts.next();  // the next word start ends this word's non-word run
    if (se == t.size()) break;  // no word after the separator: nothing can repeat
    if (t[se] != t[i]) {  // the next word differs at once: the common case
      i = se;
      continue;
    }
    std::string_view g = t.substr(i, se - i);
    size_t p = se, reps = 0;
    while (p + g.size() <= t.size() && t.compare(p, g.size(), g) == 0) p += g.size(), ++reps;
    if (reps < 3) {
      i = se;  // the next word starts here; \b holds since t[se-1] is \W
      continue;
    }
    if (copied == 0) out.reserve(t.size() + 64);
    out.append(t.substr(copied, i - copied));
    out.append(" ").append(tok::WREP).append(" ");
    out.append(std::to_string(count_py_words(t.substr(se, p - se)) + 1)).append(" ");
    out.append(g).append(" ");
    copied = p;
    // The engine resumes at p; t[p-1] ends a group, so it is \W and the next
    // word start is the next \w.
    starts.seek(p);
    i = starts.next();
  }
  if (copied == 0) return false;
  out.append(t.substr(copied));
  return true;
}

// How many bytes of t are '/', '#' or '\n' (each gains two spaces): 8 bytes
// per step, the last ones zero-padded; a multiply adds up the flagged bytes.
size_t count_spaced(std::string_view t) {
  size_t count = 0;
  for (size_t p = 0; p < t.size(); p += 8) {
    uint64_t w = 0;
    if (p + 8 <= t.size())
      w = load8(t.data() + p);
    else
      std::memcpy(&w, t.data() + p, t.size() - p);
    const uint64_t m = bytes_equal(w, '/') | bytes_equal(w, '#') | bytes_equal(w, '\n');
    count += ((m >> 7) * kOnes) >> 56;
  }
  return count;
}

// spec_add_spaces then rm_useless_spaces in one pass, appended to `out`: a
// space is written only when the last byte written is not a space, which is
// exactly what collapsing the runs afterwards would leave. Eight bytes are
// copied at once when none of them is special and no two spaces meet.
void spaced_and_collapsed(std::string_view t, std::string& out) {
  const size_t at = out.size();
  out.resize(at + t.size() + 2 * count_spaced(t));  // the most it can grow
  char* const begin = out.data() + at;
  char* o = begin;
  const char* p = t.data();
  const char* const end = p + t.size();
  while (p < end) {
    if (end - p >= 8) {
      const uint64_t w = load8(p);
      const uint64_t sp = bytes_equal(w, ' ');
      const bool space_before = o > begin && o[-1] == ' ';
      if (!(bytes_equal(w, '/') | bytes_equal(w, '#') | bytes_equal(w, '\n')) && !(sp & (sp >> 8)) &&
          !(space_before && (sp & 0x80))) {
        std::memcpy(o, p, 8);
        o += 8, p += 8;
        continue;
      }
    }
    const char c = *p++;
    if (c == ' ') {
      if (o == begin || o[-1] != ' ') *o++ = ' ';
    } else if (c == '/' || c == '#' || c == '\n') {
      if (o == begin || o[-1] != ' ') *o++ = ' ';
      *o++ = c;
      *o++ = ' ';
    } else {
      *o++ = c;
    }
  }
  out.resize(at + static_cast<size_t>(o - begin));
}

// Runs one rule on its own (the public single-rule functions).
template <class Rule>
std::string run_rule(std::string_view t, Rule rule) {
  std::string out;
  if (!rule(t, out)) out.assign(t);
  return out;
}

}  // namespace

std::string fix_html(std::string_view x) {
  RuleChain chain(x);
  fix_html_rules(chain);
  return std::string(chain.text());
}

std::string replace_rep(std::string_view t) {
  return run_rule(t, [](std::string_view in, std::string& out) { return replace_rep(in, out); });
}

std::string replace_wrep(std::string_view t) {
  return run_rule(t, [](std::string_view in, std::string& out) { return replace_wrep(in, out); });
}

std::string spec_add_spaces(std::string_view t) {
  std::string out;
  out.reserve(t.size() + t.size() / 8);
  size_t copied = 0;
  for (size_t p = 0; p < t.size(); ++p) {
    char c = t[p];
    if (c != '/' && c != '#' && c != '\n') continue;
    out.append(t.data() + copied, p - copied);
    out.push_back(' ');
    out.push_back(c);
    out.push_back(' ');
    copied = p + 1;
  }
  out.append(t.data() + copied, t.size() - copied);
  return out;
}

std::string rm_useless_spaces(std::string_view t) {
  return run_rule(t, [](std::string_view in, std::string& out) { return rm_useless_spaces(in, out); });
}

// A short text (a sentence, a line) is screened first and each rule runs
// only when the screen says it could change it; a rule that did change it is
// followed by a new screen. Most short texts pass through all five unchanged
// and are copied once: the rules' costs per call had outweighed the text's.
// A long text (an article, a review) nearly always needs some of the rules,
// and screening it was one more pass over it: all the rules run on it.
namespace {
RuleScreen screen_if_short(std::string_view t) {
  constexpr size_t kScreenedMax = 256;  // bytes
  return t.size() <= kScreenedMax ? screen_rules(t) : RuleScreen{true, true, true, true};
}
}  // namespace

void apply_pre_rules(std::string_view t, std::string& out) {
  RuleChain chain(t);
  RuleScreen screen = screen_if_short(t);
  if ((screen.html || screen.double_space) && fix_html_rules(chain)) screen = screen_if_short(chain.text());
  if (screen.repeat && chain.apply([](std::string_view in, std::string& o) { return replace_rep(in, o); }))
    screen = screen_if_short(chain.text());
  if (chain.apply([](std::string_view in, std::string& o) { return replace_wrep(in, o); }))
    screen = screen_if_short(chain.text());
  if (screen.spaced || screen.double_space)
    spaced_and_collapsed(chain.text(), out);
  else
    out.append(chain.text());
}

std::string apply_pre_rules(std::string_view t) {
  std::string out;
  apply_pre_rules(t, out);
  return out;
}

namespace {

// What the post-rules need to know of a token, from one scan when it is ASCII.
struct CaseShape {
  bool all_caps;     // str.isupper() and len > 1
  bool capitalized;  // t[0].isupper() and len > 1 and t[1:].islower()
};

CaseShape case_shape(std::string_view t) {
  bool ascii = true, upper = false, lower = false;
  for (char c : t) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) {
      ascii = false;
      break;
    }
    upper |= (utf8::kAscii.cls[b] & utf8::kUpper) != 0;
    lower |= (utf8::kAscii.cls[b] & utf8::kLower) != 0;
  }
  if (ascii) {
    if (t.size() < 2 || !upper) return {false, false};
    bool rest_lower = false, rest_upper = false;
    for (size_t i = 1; i < t.size(); ++i) {
      auto b = static_cast<unsigned char>(t[i]);
      rest_lower |= (utf8::kAscii.cls[b] & utf8::kLower) != 0;
      rest_upper |= (utf8::kAscii.cls[b] & utf8::kUpper) != 0;
    }
    bool first_upper = (utf8::kAscii.cls[static_cast<unsigned char>(t[0])] & utf8::kUpper) != 0;
    return {!lower, first_upper && rest_lower && !rest_upper};
  }
  size_t len;
  char32_t first = utf8::decode(t, 0, &len);
  bool long_enough = utf8::length(t) > 1;
  return {long_enough && utf8::str_isupper(t), long_enough && utf8::is_upper(first) && utf8::str_islower(t.substr(len))};
}

}  // namespace

namespace {

// An ASCII token of up to 64 bytes, lowered into `dst`, with its case shape;
// eight bytes at a time (SWAR: a byte b < 0x80 is in 'A'..'Z' when b + 0x3F
// reaches 0x80 and b + 0x25 does not). Returns false for non-ASCII tokens.
bool lower_ascii(std::string_view t, char* dst, CaseShape* shape) {
  constexpr uint64_t kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
  bool any_upper = false, any_lower = false, first_upper = false, rest_upper = false, rest_lower = false;
  for (size_t i = 0; i < t.size(); i += 8) {
    size_t n = std::min<size_t>(8, t.size() - i);
    uint64_t w = 0;
    std::memcpy(&w, t.data() + i, n);
    if (w & kHigh) return false;
    uint64_t up = (w + 0x3F * kOnes) & ~(w + 0x25 * kOnes) & kHigh;
    uint64_t lo = (w + 0x1F * kOnes) & ~(w + 0x05 * kOnes) & kHigh;
    uint64_t first = i == 0 ? 0x80 : 0;
    first_upper |= (up & first) != 0;
    any_upper |= up != 0;
    any_lower |= lo != 0;
    rest_upper |= (up & ~first) != 0;
    rest_lower |= (lo & ~first) != 0;
    w += up >> 2;  // +0x20 on the capitals
    std::memcpy(dst + i, &w, n);
  }
  bool long_enough = t.size() > 1;
  *shape = {long_enough && any_upper && !any_lower, long_enough && first_upper && rest_lower && !rest_upper};
  return true;
}

}  // namespace

void apply_post_rules(const std::vector<std::string_view>& toks, TokenList& out) {
  // replace_all_caps then deal_caps in one pass: the second leaves the first's
  // output unchanged ("xxup" and lowered words are neither capitalized nor empty).
  static const std::string_view kUp = tok::UP, kMaj = tok::MAJ;
  char lowered[64];
  for (std::string_view t : toks) {
    if (t.empty()) continue;
    CaseShape shape;
    bool fast = t.size() <= sizeof lowered && lower_ascii(t, lowered, &shape);
    if (!fast) shape = case_shape(t);
    if (shape.all_caps)
      out.push(kUp);
    else if (shape.capitalized)
      out.push(kMaj);
    if (fast) {
      out.push(std::string_view(lowered, t.size()));
    } else {
      utf8::append_lower(out.open(), t);
      out.close();
    }
  }
}

}  // namespace parlance
