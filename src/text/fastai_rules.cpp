#include "text/fastai_rules.h"

#include "text/html_unescape.h"
#include "text/utf8.h"

namespace parlance {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (s.find(from) == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  for (size_t j; (j = s.find(from, i)) != std::string::npos; i = j + from.size())
    out.append(s, i, j - i).append(to);
  out.append(s, i, std::string::npos);
  s.swap(out);
}

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

}  // namespace

std::string fix_html(std::string_view x) {
  std::string s(x);
  // The same chain of str.replace calls as fastai, in the same order.
  static const std::pair<std::string_view, std::string_view> kReplacements[] = {
      {"#39;", "'"},   {"amp;", "&"},    {"#146;", "'"},     {"nbsp;", " "},    {"#36;", "$"},
      {"\\n", "\n"},   {"quot;", "'"},   {"<br />", "\n"},   {"\\\"", "\""},    {"<unk>", tok::UNK},
      {" @.@ ", "."},  {" @-@ ", "-"},   {" @,@ ", ","},     {"\\", " \\ "},
  };
  for (const auto& [from, to] : kReplacements) replace_all(s, from, to);
  return rm_useless_spaces(html_unescape(s));  // re1 = '  +' → ' ' is the same substitution
}

std::string replace_rep(std::string_view t) {
  // (\S)(\1{3,}) → ' xxrep N c '
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    size_t len;
    char32_t c = utf8::decode(t, i, &len);
    size_t j = i + len, reps = 1;
    if (!utf8::is_space(c)) {
      while (j + len <= t.size() && t.compare(j, len, t.substr(i, len)) == 0) j += len, ++reps;
    }
    if (reps >= 4) {
      out.append(" ").append(tok::REP).append(" ").append(std::to_string(reps)).append(" ");
      out.append(t.substr(i, len)).append(" ");
    } else {
      out.append(t.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

std::string replace_wrep(std::string_view t) {
  // (\b\w+\W+)(\1{3,}) → ' xxwrep N c ' with N = len(cc.split()) + 1.
  // \b\w+ can only start at a word start and must take the whole word (it is
  // followed by \W+); the regex engine then tries the longest \W+ first.
  std::string out;
  out.reserve(t.size());
  size_t copied = 0;  // t[copied:] not yet in out
  bool prev_word = false;
  for (size_t i = 0; i < t.size();) {
    size_t len;
    bool w = utf8::is_word(utf8::decode(t, i, &len));
    if (!w || prev_word) {
      prev_word = w;
      i += len;
      continue;
    }
    size_t we = i + len;
    while (we < t.size() && utf8::is_word(utf8::decode(t, we, &len))) we += len;
    std::vector<size_t> sep_ends;  // candidate ends of \W+, shortest first
    for (size_t p = we; p < t.size();) {
      if (utf8::is_word(utf8::decode(t, p, &len))) break;
      p += len;
      sep_ends.push_back(p);
    }
    bool matched = false;
    for (auto e = sep_ends.rbegin(); e != sep_ends.rend() && !matched; ++e) {
      std::string_view g = t.substr(i, *e - i);
      size_t p = *e, reps = 0;
      while (p + g.size() <= t.size() && t.compare(p, g.size(), g) == 0) p += g.size(), ++reps;
      if (reps < 3) continue;
      out.append(t.substr(copied, i - copied));
      out.append(" ").append(tok::WREP).append(" ");
      out.append(std::to_string(count_py_words(t.substr(*e, p - *e)) + 1)).append(" ");
      out.append(g).append(" ");
      copied = i = p;
      matched = true;
    }
    if (!matched) {
      i = we;
      prev_word = true;
    } else {
      // \b at the resume point depends on the code point that ends just before it.
      size_t k = i - 1;
      while (k > 0 && (static_cast<unsigned char>(t[k]) & 0xC0) == 0x80) --k;
      prev_word = utf8::is_word(utf8::decode(t, k, &len));
    }
  }
  out.append(t.substr(copied));
  return out;
}

std::string spec_add_spaces(std::string_view t) {
  std::string out;
  out.reserve(t.size() + t.size() / 8);
  for (char c : t) {
    if (c == '/' || c == '#' || c == '\n') {
      out.push_back(' ');
      out.push_back(c);
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string rm_useless_spaces(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == ' ' && i + 1 < t.size() && t[i + 1] == ' ') continue;
    out.push_back(t[i]);
  }
  return out;
}

std::string apply_pre_rules(std::string_view t) {
  return rm_useless_spaces(spec_add_spaces(replace_wrep(replace_rep(fix_html(t)))));
}

std::vector<std::string> replace_all_caps(const std::vector<std::string>& x) {
  std::vector<std::string> res;
  res.reserve(x.size() + x.size() / 16);
  for (const auto& t : x) {
    if (utf8::str_isupper(t) && utf8::length(t) > 1) {
      res.emplace_back(tok::UP);
      res.push_back(utf8::to_lower(t));
    } else {
      res.push_back(t);
    }
  }
  return res;
}

std::vector<std::string> deal_caps(const std::vector<std::string>& x) {
  std::vector<std::string> res;
  res.reserve(x.size() + x.size() / 8);
  for (const auto& t : x) {
    if (t.empty()) continue;
    size_t len;
    char32_t first = utf8::decode(t, 0, &len);
    if (utf8::is_upper(first) && utf8::length(t) > 1 && utf8::str_islower(std::string_view(t).substr(len)))
      res.emplace_back(tok::MAJ);
    res.push_back(utf8::to_lower(t));
  }
  return res;
}

void apply_post_rules(std::vector<std::string>& toks) { toks = deal_caps(replace_all_caps(toks)); }

}  // namespace parlance
