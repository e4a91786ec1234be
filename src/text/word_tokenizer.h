#pragma once
// A rule-based word tokenizer that follows spaCy's algorithm for English (the
// tokenizer fastai v1 runs): split on whitespace, then peel prefixes and
// suffixes off each chunk, checking special cases and URL/e-mail matches at
// every step, then split the remainder on infixes. French mode adds elision
// prefixes (l', qu', d’...) and inverted-pronoun suffixes (-ce, -vous, -t-il).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "text/utf8.h"

namespace parlance {

enum class Lang { En, Fr };

// spaCy's outer loop over a text: each run of non-space characters is a chunk
// to split; a whitespace run loses the one space that ended the previous
// piece, and any remainder ("\n \n ") is a token of its own. A chunk's tokens
// depend on the chunk alone, which is what lets prep remember them.
struct WordPiece {
  std::string_view text;
  bool is_chunk;  // false: a whitespace token
};

class WordPieces {
 public:
  explicit WordPieces(std::string_view text) : text_(text) {}
  // The next piece; false at the end of the text. Inline: prep calls it for
  // every word, and a piece returned through memory stalled the caller.
  bool next(WordPiece* piece) {
    const size_t n = text_.size();
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
    size_t len;
    while (pos_ < n) {
      // The one space between two chunks (most pieces follow one): dropped
      // without the run scan below, when a plain ASCII byte follows it.
      if (p[pos_] == ' ' && any_ && pos_ + 1 < n && p[pos_ + 1] > ' ' && p[pos_ + 1] < 0x80) ++pos_;
      size_t start = pos_;
      const bool ws = space_at(pos_, &len);
      pos_ += len;
      if (!ws) pos_ = skip_plain_ascii(pos_);
      while (pos_ < n) {
        if (p[pos_] < 0x80) {  // ASCII: one table lookup per byte
          if (static_cast<bool>(utf8::kAscii.cls[p[pos_]] & utf8::kSpace) != ws) break;
          ++pos_;
        } else {
          if (space_at(pos_, &len) != ws) break;
          pos_ += len;
        }
      }
      if (ws && text_[start] == ' ' && any_) ++start;
      if (start == pos_) continue;  // the single separating space
      *piece = {text_.substr(start, pos_ - start), !ws};
      any_ = true;
      return true;
    }
    return false;
  }

 private:
  // The first position at or after i where a chunk may end: skips 8 bytes at
  // a time while they are all ASCII above ' ' (every ASCII space is <= ' ').
  // Flagged bytes (controls, non-ASCII) are left to the byte loop, which
  // decides; the flag of the first one is exact (a borrow only moves up).
  size_t skip_plain_ascii(size_t i) const {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    for (; i + 8 <= text_.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, text_.data() + i, 8);
      const uint64_t stop = ((w - kOnes * 0x21) & ~w & kHigh) | (w & kHigh);
      if (stop) return i + (static_cast<size_t>(__builtin_ctzll(stop)) >> 3);
    }
    return i;
  }
  bool space_at(size_t i, size_t* len) const {
    const auto b = static_cast<unsigned char>(text_[i]);
    if (b < 0x80) {
      *len = 1;
      return utf8::kAscii.cls[b] & utf8::kSpace;
    }
    return utf8::is_space(utf8::decode(text_, i, len));
  }
  std::string_view text_;
  size_t pos_ = 0;
  bool any_ = false;  // a piece came before (the separating space is dropped only then)
};

class WordTokenizer {
 public:
  explicit WordTokenizer(Lang lang = Lang::En) : lang_(lang) {}
  // Appends the tokens of `text` to `out` (views into `text`: every token is a
  // substring): each WordPiece's tokens in order.
  void tokenize(std::string_view text, std::vector<std::string_view>& out) const;
  // The tokens of one piece appended to `out`: a chunk split, a whitespace
  // token as it is.
  void split_piece(const WordPiece& piece, std::vector<std::string_view>& out) const;

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
