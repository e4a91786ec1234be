#include "text/detokenize.h"

#include <utf8proc.h>

#include "text/fastai_rules.h"
#include "text/utf8.h"

namespace parlance {
namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool is_int(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

std::string upper(const std::string& s, bool first_only) {
  std::string out;
  size_t i = 0, len = 0;
  while (i < s.size()) {
    const char32_t c = utf8::decode(s, i, &len);
    utf8::append(out, first_only && i > 0 ? c : static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c))));
    i += len;
  }
  return out;
}

const char* const kGluesLeft[] = {"…", "n't", "\u202f"};
const char* const kGluesRight[] = {"(", "[", "{", "$", "\u202f"};
const std::string kClosing = ".,!?;:)]}%";

bool glues_left(const std::string& t) {
  for (const char* p : kGluesLeft)
    if (t == p) return true;
  if (t.find_first_not_of(kClosing) == std::string::npos) return true;    // "?", "!!!", "..."
  if (starts_with(t, "'") || starts_with(t, "’")) return t.size() > 1;    // 's 're 'll — a lone quote stays apart
  return t.size() > 1 && t[0] == '-' && t[1] != '-';                      // French -tu -ce -vous -t-il
}

bool glues_right(const std::string& t) {
  for (const char* p : kGluesRight)
    if (t == p) return true;
  return t.size() > 1 && (ends_with(t, "'") || ends_with(t, "’"));        // qu' l' d' j'
}

// The tokens with the special tokens' meaning applied (any tokenizer may emit them).
std::vector<std::string> marked_words(const std::vector<std::string>& tokens) {
  std::vector<std::string> words;
  bool maj = false, up = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (t == tok::BOS || t == tok::PAD || starts_with(t, "xxfake")) continue;
    if (t == tok::FLD) {
      if (i + 1 < tokens.size() && is_int(tokens[i + 1])) ++i;
      continue;
    }
    if (t == tok::MAJ || t == tok::UP) {
      (t == tok::MAJ ? maj : up) = true;
      continue;
    }
    std::string w = t == tok::EOS ? "\n" : t;
    if ((t == tok::REP || t == tok::WREP) && i + 2 < tokens.size() && is_int(tokens[i + 1])) {
      const int n = std::min(std::stoi(tokens[i + 1]), 64);
      w.clear();
      for (int k = 0; k < n; ++k) w += (k > 0 && t == tok::WREP ? " " : "") + tokens[i + 2];
      i += 2;
    }
    words.push_back(up ? upper(w, false) : maj ? upper(w, true) : w);
    maj = up = false;
  }
  return words;
}

}  // namespace

std::string detokenize(const std::vector<std::string>& tokens, TokenizerKind kind) {
  const std::vector<std::string> words = marked_words(tokens);
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    if (kind == TokenizerKind::SentencePiece)  // "▁" marks a word start
      for (size_t p; (p = w.find("\xE2\x96\x81")) != std::string::npos;) w.replace(p, 3, " ");
    const bool glue = kind == TokenizerKind::Char || kind == TokenizerKind::SentencePiece || i == 0 || w == "\n" ||
                      words[i - 1] == "\n" || glues_left(w) || glues_right(words[i - 1]);
    if (!glue) text += ' ';
    text += w;
  }
  return text;
}

}  // namespace parlance
