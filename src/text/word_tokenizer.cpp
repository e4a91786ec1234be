#include "text/word_tokenizer.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "text/english_exceptions.h"
#include "text/fastai_rules.h"
#include "text/utf8.h"

namespace parlance {
namespace {

using utf8::decode;

// French chunks kept whole: abbreviations whose final "." belongs to the
// word, and emoticons. (fastai's special tokens are checked first, for both
// languages; English uses spaCy's exception table, text/english_exceptions.h.)
const std::unordered_set<std::string_view>& french_special_cases() {
  static const std::unordered_set<std::string_view> kSet = [] {
    std::unordered_set<std::string_view> s;
    for (auto w : {"Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.", "Sr.", "Prof.", "Gen.", "Gov.", "Sen.", "Rep.",
                   "Rev.", "Mt.", "vs.", "etc.", "e.g.", "i.e.", "a.m.", "p.m.", "Inc.", "Ltd.", "Co.", "Corp.",
                   "Bros.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.",
                   "Dec.", "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.", "Ill.",
                   "Ind.", "Kan.", "Ky.", "La.", "Md.", "Mass.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.",
                   "Neb.", "Nev.", "Okla.", "Ore.", "Pa.", "Tenn.", "Va.", "Wash.", "Wis.", "Wyo.", "ca.",
                   "cf.", "approx.", "dept.", "est.", "fig.", "vol.", "no.", "op.", "pp.", "ed.", "Ph.D.",
                   "Mlle.", "Mme.", "M.", "janv.", "f\u00e9vr.", "avr.", "juill.", "sept.", "oct.", "nov.",
                   "d\u00e9c.", "av.", "apr.", "Ste."})
      s.insert(w);
    static const std::string kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static std::vector<std::string> initials;  // "A." ... "z."
    initials.reserve(kLetters.size());
    for (char c : kLetters) initials.push_back(std::string(1, c) + ".");
    for (const auto& i : initials) s.insert(i);
    for (auto e : {":)", ":-)", ":(", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ":-p", "=)", "=(",
                   "(:", "):", ":')", ":'(", "<3", "</3", ":O", ":o", ":-O", ":|", ":-|", "xD", "XD", "8)",
                   "8-)", ":*", ":-*", ";D", "^_^", "^^", "-_-", "o_o", "O_O", "o.O", "O.o", "<33", ":]", ":[",
                   "=]", "=[", ":>", ":<", ">:(", ">:o", "(-:", ")-:", "(;"})
      s.insert(e);
    return s;
  }();
  return kSet;
}

bool is_fastai_special(std::string_view s) {
  // Every special is "xx" and 2 to 4 letters: most chunks fail at once.
  if (s.size() < 4 || s.size() > 6 || s[0] != 'x' || s[1] != 'x') return false;
  for (const auto& t : tok::kSpecials)
    if (s == t) return true;
  return false;
}

// Currency symbols (spaCy's LIST_CURRENCY, the common ones).
bool is_currency(char32_t c) {
  switch (c) {
    case '$': case 0xA3: case 0x20AC: case 0xA5: case 0xE3F: case 0x20BD: case 0x20B4: case 0x20A9:
    case 0x20B9: case 0xA2: case 0x20A3: case 0x20A4:
      return true;
    default:
      return false;
  }
}

// Quotes (spaCy's LIST_QUOTES).
bool is_quote(char32_t c) {
  switch (c) {
    case '\'': case '"': case '`': case 0x201C: case 0x201D: case 0x2018: case 0x2019: case 0xB4:
    case 0x201A: case 0x201E: case 0xBB: case 0xAB: case 0x300C: case 0x300D: case 0x300E: case 0x300F:
    case 0xFF08: case 0xFF09: case 0x3014: case 0x3015: case 0x3010: case 0x3011: case 0x300A:
    case 0x300B: case 0x3008: case 0x3009:
      return true;
    default:
      return false;
  }
}

// Punctuation that peels off either end (spaCy's LIST_PUNCT minus ellipses).
bool is_edge_punct(char32_t c) {
  if (c < 0x80) return c && std::string_view(",:;!?()[]{}<>_#*&").find(static_cast<char>(c)) != std::string_view::npos;
  switch (c) {
    case 0xBF: case 0x61F: case 0xA1: case 0x3002: case 0xFF1F: case 0xFF01: case 0xFF0C: case 0x3001:
    case 0xFF1B: case 0xFF1A: case 0xFF5E: case 0xB7: case 0x964: case 0x60C: case 0x6D4: case 0x61B:
    case 0x66A:
      return true;
    default:
      return false;
  }
}

bool is_dash(char32_t c) { return c == 0x2014 || c == 0x2013; }  // — –

// Length of an ellipsis ("..", "...", "…") at the start of s, or 0.
size_t ellipsis_at(std::string_view s, size_t i) {
  if (s.compare(i, 3, "\xE2\x80\xA6") == 0) return 3;
  size_t j = i;
  while (j < s.size() && s[j] == '.') ++j;
  return j - i >= 2 ? j - i : 0;
}

// Units after a number split off as suffixes ("10km" → "10" "km"): spaCy's
// unit list. Not "s", "h", "min", "hr", "ms", "mi": "1960s", "3h" stay whole.
constexpr std::array<std::string_view, 48> kUnits = {
    "km", "km\u00b2", "km\u00b3", "m", "m\u00b2", "m\u00b3", "dm", "dm\u00b2", "dm\u00b3", "cm", "cm\u00b2",
    "cm\u00b3", "mm", "mm\u00b2", "mm\u00b3", "ha", "\u00b5m", "nm", "yd", "in", "ft", "kg", "g", "mg",
    "\u00b5g", "t", "lb", "oz", "m/s", "km/h", "kmh", "mph", "hPa", "Pa", "mbar", "mb", "MB", "kb", "KB",
    "gb", "GB", "tb", "TB", "T", "G", "M", "K", "%"};

// Whether a digit can end where a unit suffix of s begins: a unit has at
// most kLongestUnit bytes, so its digit ends in the bytes just before those;
// if they are all ASCII and none is a digit, no unit rule can match.
constexpr size_t kLongestUnit = [] {
  size_t n = 0;
  for (auto u : kUnits) n = u.size() > n ? u.size() : n;
  return n;
}();
bool digit_may_precede_unit(std::string_view s) {
  const size_t from = s.size() > kLongestUnit + 1 ? s.size() - kLongestUnit - 1 : 0;
  for (size_t i = from; i + 1 < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80 || (b >= '0' && b <= '9')) return true;
  }
  return false;
}

// Code point ending right before byte offset `end`.
char32_t last_cp(std::string_view s, size_t end, size_t* len) {
  size_t k = end - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  *len = end - k;
  size_t l;
  return decode(s, k, &l);
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

bool is_apostrophe_at(std::string_view s, size_t i, size_t* len) {
  if (i < s.size() && s[i] == '\'') return *len = 1, true;
  if (s.compare(i, 3, "\xE2\x80\x99") == 0) return *len = 3, true;  // ’
  return false;
}

// French elision: "l'", "qu’", "jusqu'"... when a letter follows.
size_t french_elision_len(std::string_view s) {
  static const std::string_view kElided[] = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu",
                                             "puisqu", "quoiqu"};
  for (auto e : kElided) {
    size_t alen;
    if (s.size() > e.size() && iequals_ascii(s.substr(0, e.size()), e) && is_apostrophe_at(s, e.size(), &alen) &&
        e.size() + alen < s.size()) {
      size_t l;
      if (utf8::is_alpha(decode(s, e.size() + alen, &l))) return e.size() + alen;
    }
  }
  return 0;
}

// French inverted pronouns: "est-ce" → "est" "-ce", "a-t-il" → "a" "-t" "-il".
size_t french_pronoun_suffix_len(std::string_view s) {
  static const std::string_view kPronouns[] = {"-ce", "-je", "-tu", "-il", "-elle", "-on", "-nous", "-vous",
                                               "-ils", "-elles", "-le", "-la", "-les", "-lui", "-leur", "-moi",
                                               "-toi", "-en", "-y", "-là", "-ci", "-t"};
  for (auto p : kPronouns) {
    if (s.size() > p.size() && iequals_ascii(s.substr(s.size() - p.size()), p)) {
      size_t len;
      if (utf8::is_alpha(last_cp(s, s.size() - p.size(), &len))) return p.size();
    }
  }
  return 0;
}

// An empty piece list: the special case is one token.
const std::vector<uint8_t> kWhole;

bool all_ascii(std::string_view s, uint8_t cls) {
  for (char c : s)
    if (!utf8::ascii_is(static_cast<unsigned char>(c), cls)) return false;
  return true;
}

}  // namespace

bool is_url_or_email(std::string_view s) {
  auto starts = [&](std::string_view p) { return s.size() > p.size() && iequals_ascii(s.substr(0, p.size()), p); };
  size_t len;
  char32_t last = last_cp(s, s.size(), &len);
  if (s.size() < 4 || !(utf8::is_word(last) || last == '/')) return false;
  if (starts("http://") || starts("https://") || starts("ftp://")) return true;
  if (starts("www.") && s.find('.', 4) != std::string_view::npos) return true;
  // user@host.tld: word characters and ._+- around one "@", a dot in the host.
  size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  size_t dot = s.find('.', at + 2);
  if (dot == std::string_view::npos || dot + 1 >= s.size()) return false;
  for (size_t i = 0; i < s.size(); i += len) {
    char32_t c = decode(s, i, &len);
    if (!(utf8::is_word(c) || c == '.' || c == '-' || c == '+' || c == '@')) return false;
  }
  return true;
}

void WordTokenizer::tokenize(std::string_view text, std::vector<std::string_view>& out) const {
  WordPiece piece;
  for (WordPieces pieces(text); pieces.next(&piece);) split_piece(piece, out);
}

void WordTokenizer::split_piece(const WordPiece& piece, std::vector<std::string_view>& out) const {
  if (piece.is_chunk)
    split_chunk(piece.text, out);
  else
    out.push_back(piece.text);
}

const std::vector<uint8_t>* WordTokenizer::special(std::string_view s) const {
  if (is_fastai_special(s)) return &kWhole;
  if (lang_ == Lang::En) return english_exception(s);
  return french_special_cases().count(s) ? &kWhole : nullptr;
}

void WordTokenizer::emit_special(std::string_view s, const std::vector<uint8_t>& pieces,
                                 std::vector<std::string_view>& out) const {
  if (pieces.empty()) {
    out.push_back(s);
    return;
  }
  size_t at = 0;
  for (uint8_t len : pieces) out.push_back(s.substr(at, len)), at += len;
}

size_t WordTokenizer::prefix_len(std::string_view s) const {
  if (lang_ == Lang::Fr) {
    if (size_t e = french_elision_len(s)) return e;
  }
  if (size_t e = ellipsis_at(s, 0)) return e;
  size_t len;
  char32_t c = decode(s, 0, &len);
  if (is_edge_punct(c) || is_quote(c) || is_dash(c) || c == 0xA7 || c == '%' || c == '=') return len;
  if (c == '+' && !(s.size() > 1 && utf8::is_digit(static_cast<unsigned char>(s[1])))) return len;
  if (is_currency(c)) return len;  // spaCy: "$1" → "$" "1"
  return 0;
}

size_t WordTokenizer::suffix_len(std::string_view s) const {
  if (s.empty()) return 0;
  if (lang_ == Lang::Fr) {
    if (size_t p = french_pronoun_suffix_len(s)) return p;
  }
  // Ellipsis at the end.
  if (s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE2\x80\xA6") == 0) return 3;
  {
    size_t j = s.size();
    while (j > 0 && s[j - 1] == '.') --j;
    if (s.size() - j >= 2) return s.size() - j;
  }
  size_t len;
  char32_t c = last_cp(s, s.size(), &len);
  size_t before = s.size() - len;
  // English possessive 's (spaCy's suffixes); other contractions are
  // exceptions ("don't", "we'll"), not rules.
  for (std::string_view clitic : {"'s", "'S", "\u2019s", "\u2019S"}) {
    if (lang_ == Lang::Fr) break;
    if (s.size() > clitic.size() && s.compare(s.size() - clitic.size(), clitic.size(), clitic) == 0)
      return clitic.size();
  }
  if (is_edge_punct(c) || is_quote(c) || is_dash(c)) return len;
  if (before == 0) return 0;
  size_t plen;
  char32_t prev = last_cp(s, before, &plen);
  if (c == '.') {
    // Split a final "." after a lowercase letter, digit, %²-+, punctuation or a
    // quote, or after two capitals ("USA."); keep "U.S." and "J." whole.
    if (utf8::is_lower(prev) || utf8::is_digit(prev) || prev == '%' || prev == 0xB2 || prev == '-' ||
        prev == '+' || is_edge_punct(prev) || is_quote(prev))
      return len;
    if (utf8::is_upper(prev) && before > plen) {
      size_t l;
      if (utf8::is_upper(last_cp(s, before - plen, &l))) return len;
    }
    return 0;
  }
  if (c == '+' && utf8::is_digit(prev)) return len;
  // A currency sign or a unit right after a number.
  if (is_currency(c) && utf8::is_digit(prev)) return len;
  if (!digit_may_precede_unit(s)) return 0;  // most words: no unit rule can match
  for (auto u : kUnits) {
    if (s.size() > u.size() && s.compare(s.size() - u.size(), u.size(), u) == 0) {
      size_t l;
      if (utf8::is_digit(last_cp(s, s.size() - u.size(), &l))) return u.size();
    }
  }
  return 0;
}

namespace {
// Whether s holds a byte an infix match could be at: every rule in
// split_infixes matches at one of ".+-*^,~:<>=/" or at a character outside
// ASCII (the dashes, "…"). Most words hold none, and the scan decodes two
// characters per byte.
bool may_hold_infix(std::string_view s) {
  static constexpr auto kTrigger = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view(".+-*^,~:<>=/")) t[c] = true;
    for (size_t b = 0x80; b < 256; ++b) t[b] = true;
    return t;
  }();
  for (char c : s)
    if (kTrigger[static_cast<unsigned char>(c)]) return true;
  return false;
}
}  // namespace

void WordTokenizer::split_infixes(std::string_view s, std::vector<std::string_view>& out) const {
  if (!may_hold_infix(s)) {
    out.push_back(s);
    return;
  }
  size_t start = 0, i = 0, len;
  char32_t prev = 0;
  while (i < s.size()) {
    char32_t c = decode(s, i, &len);
    size_t mlen = 0;
    size_t nlen = 0;
    char32_t next = i + len < s.size() ? decode(s, i + len, &nlen) : 0;
    if (size_t e = ellipsis_at(s, i)) {
      mlen = e;
    } else if (i > 0 && next) {
      bool a_prev = utf8::is_alpha(prev), a_next = utf8::is_alpha(next);
      bool d_prev = utf8::is_digit(prev);
      if (d_prev && (c == '+' || c == '-' || c == '*' || c == '^') && (utf8::is_digit(next) || next == '-'))
        mlen = len;  // 1-2, 3*4
      else if (c == '.' && (utf8::is_lower(prev) || is_quote(prev)) && (utf8::is_upper(next) || is_quote(next)))
        mlen = len;  // end.Start
      else if (c == ',' && a_prev && a_next)
        mlen = len;
      else if ((c == '-' || c == '~' || is_dash(c)) && a_prev && lang_ == Lang::En) {
        // Hyphens between letters: -, --, ---, –, —.
        size_t j = i;
        while (j < s.size() && s[j] == '-' && j - i < 3) ++j;
        if (j == i) j = i + len;
        size_t l2;
        if (j < s.size() && utf8::is_alpha(decode(s, j, &l2))) mlen = j - i;
      } else if ((c == ':' || c == '<' || c == '>' || c == '=' || c == '/') && (a_prev || d_prev) && a_next)
        mlen = len;
    }
    if (mlen == 0) {
      prev = c;
      i += len;
      continue;
    }
    if (i > start) out.push_back(s.substr(start, i - start));
    out.push_back(s.substr(i, mlen));
    i += mlen;
    start = i;
    prev = last_cp(s, i, &len);
  }
  if (start < s.size()) out.push_back(s.substr(start));
}

void WordTokenizer::split_chunk(std::string_view s, std::vector<std::string_view>& out) const {
  // The common cases: nothing to peel, nothing to split, no exception.
  if (s.size() == 1 || all_ascii(s, utf8::kDigit) || (all_ascii(s, utf8::kAlpha) && !special(s))) {
    out.push_back(s);
    return;
  }
  // Prefixes are the first tokens, in the order peeled: they go to `out` at
  // once. Suffixes come last, innermost (last peeled) first: they go to `out`
  // as peeled, from `first_suffix` on, and are moved behind the core at the
  // end. No vector per chunk: this runs for every chunk the memo has not seen.
  size_t first_suffix = std::string_view::npos;
  auto peel_prefix = [&](size_t n) {
    if (first_suffix == std::string_view::npos)
      out.push_back(s.substr(0, n));
    else  // before the suffixes peeled so far (not met with today's rules: a
          // round without a prefix leaves the start, so later rounds find none
          // either; kept so the order stays right if a prefix rule changes)
      out.insert(out.begin() + static_cast<std::ptrdiff_t>(first_suffix++), s.substr(0, n));
    s = s.substr(n);
  };
  auto peel_suffix = [&](size_t n) {
    if (first_suffix == std::string_view::npos) first_suffix = out.size();
    out.push_back(s.substr(s.size() - n));
    s = s.substr(0, s.size() - n);
  };
  const std::vector<uint8_t>* pieces = nullptr;  // set when what is left is a special case
  bool url = false;
  // spaCy's _split_affixes: peel one prefix and one suffix per round, stopping
  // as soon as what is left is a special case or a URL.
  // `checked`: s was found no special case at the end of the last round
  // (spaCy asks again at the top of the next; the answer cannot differ).
  bool checked = false;
  for (size_t last = std::string_view::npos; !s.empty() && s.size() != last;) {
    if (!checked && (pieces = special(s))) break;
    if ((url = is_url_or_email(s))) break;
    last = s.size();
    size_t pre = prefix_len(s);
    if (pre && pre < s.size() && (pieces = special(s.substr(pre)))) {
      peel_prefix(pre);
      break;
    }
    size_t suf = suffix_len(s.substr(pre));
    if (suf && suf < s.size() && (pieces = special(s.substr(0, s.size() - suf)))) {
      peel_suffix(suf);
      break;
    }
    if (pre && suf && pre + suf <= s.size()) {
      peel_prefix(pre);
      peel_suffix(suf);
    } else if (pre) {
      peel_prefix(pre);
    } else if (suf) {
      peel_suffix(suf);
    }
    if (!s.empty() && (pieces = special(s))) break;
    checked = true;
  }
  const size_t core_at = out.size();
  if (!s.empty()) {
    if (pieces)
      emit_special(s, *pieces, out);
    else if (url)
      out.push_back(s);
    else
      split_infixes(s, out);
  }
  if (first_suffix == std::string_view::npos) return;
  // out: ... suffixes in peeling order [first_suffix, core_at), core [core_at, end).
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first_suffix), out.begin() + static_cast<std::ptrdiff_t>(core_at));
  std::rotate(out.begin() + static_cast<std::ptrdiff_t>(first_suffix), out.begin() + static_cast<std::ptrdiff_t>(core_at),
              out.end());
}

}  // namespace parlance
