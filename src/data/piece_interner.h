#pragma once
// Prep's hot path for the fastai scheme: a prepared document → the rank's
// local token ids, remembering each chunk's ids. Text follows Zipf's law, so
// most chunks ("the", "said,", "1960s") were seen before and cost one hash
// lookup instead of the word split, the post-rules and one table lookup per
// token.
//
// Invariant: the ids appended, and the table's counts once flush_counts() has
// run, are exactly those of TextTokenizer::tokenize() followed by
// TokenTable::intern() of every token, in the same order, so a dataset does
// not depend on what was remembered. A hit is counted in its own slot (already
// in cache) rather than in the table (a random access per token); the slot
// counts go to the table on flush_counts(), before anything is forgotten, and
// every `flush_every` pieces, so no slot count can overflow.
// Memory is bounded: when the remembered chunks outgrow the budget they are
// all forgotten and learnt again from the text that follows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/token_table.h"
#include "text/token_list.h"
#include "text/word_tokenizer.h"
#include "util/huge_page_allocator.h"

namespace parlance {

class TextTokenizer;

class PieceInterner {
 public:
  // `tok` must tokenize by piece (TextTokenizer::tokenizes_by_piece()).
  PieceInterner(const TextTokenizer& tok, TokenTable& table, size_t budget_bytes = size_t{64} << 20,
                uint32_t flush_every = uint32_t{1} << 31);

  // Appends the ids of `prepared` (TextTokenizer::prepared_text) to `ids`,
  // counting each token once more unless `counted` is false.
  void intern(std::string_view prepared, bool counted, std::vector<uint32_t>& ids);

  // Adds the counts held in the slots to the table. Call it before reading
  // the table's counts.
  void flush_counts();

  size_t forgotten() const { return resets_; }  // times the budget was reached

 private:
  // One remembered chunk. A hit on a chunk of at most 8 bytes with one or two
  // tokens ("the", "film.", most of them) reads this slot alone: the key is
  // `head`, the ids inline, the count kept here.
  struct alignas(32) Slot {
    uint32_t hash = 0;     // the low half of the piece's hash (the slot index is taken from it)
    uint16_t key_len = 0;  // 0: empty slot (chunks are never empty)
    uint16_t n_ids = 0;
    uint64_t head = 0;     // the chunk's first 8 bytes, zero-padded
    uint32_t key_at = 0;   // in keys_, for chunks longer than 8 bytes
    uint32_t ids[2] = {};  // the ids when n_ids <= 2, else ids[0] is where they start in ids_
    uint32_t count = 0;    // counted hits since the last flush_counts()
  };
  static_assert(sizeof(Slot) == 32, "two slots per cache line");
  struct Pending {  // a piece of the current document, hashed ahead of its lookup
    WordPiece piece;
    uint64_t hash, head;
  };
  static constexpr size_t kFirstSlots = 4096;
  static constexpr size_t kLookahead = 8;  // pieces between a slot's prefetch and its use

  Slot* find(const Pending& p, size_t* empty_slot);
  void append_hit(Slot& s, bool counted, std::vector<uint32_t>& ids);
  void learn(const Pending& p, size_t empty_slot, bool counted, std::vector<uint32_t>& ids);
  void remember(size_t slot, const Pending& p, const uint32_t* ids, size_t n);
  void forget_all();
  void grow();

  const TextTokenizer& tok_;
  TokenTable& table_;
  size_t budget_;
  // Probed at random on every piece, tens of MiB on a large corpus: huge pages.
  HugeVector<Slot> slots_ = HugeVector<Slot>(kFirstSlots);
  HugeVector<char> keys_;      // the remembered chunks longer than 8 bytes, back to back
  HugeVector<uint32_t> ids_;   // the ids of chunks of several tokens, back to back
  size_t entries_ = 0, resets_ = 0;
  uint32_t flush_every_, flush_left_;  // pieces between flushes, and until the next
  std::vector<Pending> pending_;
  TokenList scratch_;  // a new piece's tokens
};

}  // namespace parlance
