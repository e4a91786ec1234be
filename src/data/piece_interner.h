#pragma once
// Prep's hot path for the fastai scheme: a prepared document → the rank's
// local token ids, remembering each chunk's ids. Text follows Zipf's law, so
// most chunks ("the", "said,", "1960s") were seen before and cost one hash
// lookup instead of the word split, the post-rules and one table lookup per
// token.
//
// Invariant: the ids appended and the counts added are exactly those of
// TextTokenizer::tokenize() followed by TokenTable::intern() of every token,
// in the same order, so a dataset does not depend on what was remembered.
// Memory is bounded: when the remembered chunks outgrow the budget they are
// all forgotten and learnt again from the text that follows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/token_table.h"
#include "text/token_list.h"
#include "text/word_tokenizer.h"

namespace parlance {

class TextTokenizer;

class PieceInterner {
 public:
  // `tok` must tokenize by piece (TextTokenizer::tokenizes_by_piece()).
  PieceInterner(const TextTokenizer& tok, TokenTable& table, size_t budget_bytes = size_t{64} << 20);

  // Appends the ids of `prepared` (TextTokenizer::prepared_text) to `ids`,
  // counting each token once more in the table unless `counted` is false.
  void intern(std::string_view prepared, bool counted, std::vector<uint32_t>& ids);

  size_t forgotten() const { return resets_; }  // times the budget was reached

 private:
  // One remembered chunk. A hit on a chunk of at most 8 bytes with one token
  // (most of them) reads this slot alone: the key is `head`, the id inline.
  struct alignas(32) Slot {
    uint64_t hash = 0;
    uint64_t head = 0;     // the chunk's first 8 bytes, zero-padded
    uint32_t key_at = 0;   // in keys_, for chunks longer than 8 bytes
    uint16_t key_len = 0;  // 0: empty slot (chunks are never empty)
    uint16_t n_ids = 0;
    uint32_t ids = 0;      // the id when n_ids == 1, else where they start in ids_
    uint32_t unused = 0;
  };
  static_assert(sizeof(Slot) == 32, "two slots per cache line");
  struct Pending {  // a piece of the current document, hashed ahead of its lookup
    WordPiece piece;
    uint64_t hash, head;
  };
  static constexpr size_t kFirstSlots = 4096;
  static constexpr size_t kLookahead = 8;  // pieces between a slot's prefetch and its use

  const Slot* find(const Pending& p, size_t* empty_slot) const;
  void learn(const Pending& p, size_t empty_slot, bool counted, std::vector<uint32_t>& ids);
  void remember(size_t slot, const Pending& p, const uint32_t* ids, size_t n);
  void forget_all();
  void grow();

  const TextTokenizer& tok_;
  TokenTable& table_;
  size_t budget_;
  std::vector<Slot> slots_ = std::vector<Slot>(kFirstSlots);
  std::string keys_;           // the remembered chunks longer than 8 bytes, back to back
  std::vector<uint32_t> ids_;  // the ids of chunks of several tokens, back to back
  size_t entries_ = 0, resets_ = 0;
  std::vector<Pending> pending_;
  TokenList scratch_;  // a new piece's tokens
};

}  // namespace parlance
