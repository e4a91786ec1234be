#pragma once
// A rule-based word tokenizer that follows spaCy's algorithm for English (the
// tokenizer fastai v1 runs): split on whitespace, then peel prefixes and
// suffixes off each chunk, checking special cases and URL/e-mail matches at
// every step, then split the remainder on infixes. French mode adds elision
// prefixes (l', qu', d’...) and inverted-pronoun suffixes (-ce, -vous, -t-il).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parlance {

enum class Lang { En, Fr };

class WordTokenizer {
 public:
  explicit WordTokenizer(Lang lang = Lang::En) : lang_(lang) {}
  // Appends the tokens of `text` to `out` (views into `text`: every token is a
  // substring). Whitespace other than the single space that separates tokens
  // becomes a token itself ("\n \n "), as in spaCy.
  void tokenize(std::string_view text, std::vector<std::string_view>& out) const;

 private:
  void split_chunk(std::string_view chunk, std::vector<std::string_view>& out) const;
  // The pieces of `s` when it is a special case (empty: one token), else nullptr.
  const std::vector<uint8_t>* special(std::string_view s) const;
  void emit_special(std::string_view s, const std::vector<uint8_t>& pieces, std::vector<std::string_view>& out) const;
  size_t prefix_len(std::string_view s) const;
  size_t suffix_len(std::string_view s) const;
  void split_infixes(std::string_view s, std::vector<std::string_view>& out) const;
  Lang lang_;
};

// Whole-chunk matches that are never split: URLs and e-mail addresses.
bool is_url_or_email(std::string_view s);

}  // namespace parlance
