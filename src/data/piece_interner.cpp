#include "data/piece_interner.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "text/tokenizer.h"
#include "util/string_head.h"

namespace parlance {

namespace {
// The first 8 bytes of `s`, zero-padded. One unaligned load where 8 bytes
// can be read without leaving `text` (which holds s): pieces are short, and a
// variable-length copy per piece was a measurable part of prep.
inline uint64_t head_of(std::string_view s, std::string_view text) {
  uint64_t h = 0;
  if (s.data() + 8 <= text.data() + text.size()) {
    std::memcpy(&h, s.data(), 8);
    if (s.size() < 8) h &= ~uint64_t{0} >> (64 - 8 * s.size());
    return h;
  }
  return little_endian_head(s);
}

// Whether stored[8:n] == key[8:n] (the first 8 bytes matched in the slot):
// inline, 8 bytes at a time — a library memcmp call per hit on a longer
// chunk ("characters,", "unfortunately") was a measurable part of prep.
inline bool same_tail(const char* stored, std::string_view key) {
  size_t i = 8;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t a, b;
    std::memcpy(&a, stored + i, 8);
    std::memcpy(&b, key.data() + i, 8);
    if (a != b) return false;
  }
  for (; i < key.size(); ++i)
    if (stored[i] != key[i]) return false;
  return true;
}

// The interner's own hash (it need not match TokenTable's): the head word,
// then the rest 8 bytes at a time, then a strong finalizer.
inline uint64_t piece_hash(std::string_view s, uint64_t head) {
  uint64_t h = (head ^ (s.size() * 0x9E3779B97F4A7C15ull)) * 0x100000001b3ull;
  for (size_t i = 8; i < s.size(); i += 8) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, std::min<size_t>(8, s.size() - i));
    h = (h ^ w) * 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}
}  // namespace

PieceInterner::PieceInterner(const TextTokenizer& tok, TokenTable& table, size_t budget_bytes, uint32_t flush_every)
    : tok_(tok), table_(table), budget_(budget_bytes), flush_every_(flush_every), flush_left_(flush_every) {
  if (!tok.tokenizes_by_piece()) throw std::logic_error("PieceInterner needs a tokenizer that works piece by piece");
  // A slot keeps 32 bits of the hash, from which grow() takes the index.
  if (budget_bytes / sizeof(Slot) > (uint64_t{1} << 32)) throw std::logic_error("PieceInterner budget over 128 GiB");
  if (flush_every == 0) throw std::logic_error("PieceInterner flush_every must be positive");
}

void PieceInterner::intern(std::string_view prepared, bool counted, std::vector<uint32_t>& ids) {
  // Hash every piece first, then look each up while the slot of the piece
  // kLookahead further on is being fetched: the table outgrows the caches,
  // and waiting on memory was most of the lookup's time.
  // Counts are kept in locals: the stores into `ids` below make the compiler
  // reload pending_'s ends, and its size() divides by sizeof(Pending).
  pending_.clear();
  size_t count = 0;
  WordPiece piece;
  for (WordPieces pieces(prepared); pieces.next(&piece); ++count) {
    // Member by member: a struct built on the stack and copied in whole
    // stalled on store forwarding, a sixth of this function's time.
    Pending& q = pending_.emplace_back();
    q.piece.text = piece.text;
    q.piece.is_chunk = piece.is_chunk;
    q.head = head_of(piece.text, prepared);
    q.hash = piece_hash(piece.text, q.head);
    // The first slots are fetched from here: a short document (a sentence
    // pair's side) has no piece kLookahead further on to fetch them from.
    if (count < kLookahead) __builtin_prefetch(&slots_[q.hash & (slots_.size() - 1)]);
  }
  size_t mask = slots_.size() - 1;
  const Pending* const pending = pending_.data();
  uint32_t flush_left = flush_left_;
  for (size_t i = 0; i < count; ++i) {
    if (i + kLookahead < count) __builtin_prefetch(&slots_[pending[i + kLookahead].hash & mask]);
    const Pending& p = pending[i];
    size_t empty;
    if (Slot* s = find(p, &empty)) {
      append_hit(*s, counted, ids);
    } else {
      learn(p, empty, counted, ids);
      mask = slots_.size() - 1;  // the table may have grown or been emptied
    }
    if (--flush_left == 0) {
      flush_counts();
      flush_left = flush_every_;
    }
  }
  flush_left_ = flush_left;
}

inline void PieceInterner::append_hit(Slot& s, bool counted, std::vector<uint32_t>& ids) {
  s.count += counted;  // cannot wrap: at most flush_every_ hits between flushes
  if (s.n_ids == 1) {
    ids.push_back(s.ids[0]);
  } else if (s.n_ids == 2) {
    ids.push_back(s.ids[0]);
    ids.push_back(s.ids[1]);
  } else if (s.n_ids > 2) {
    ids.insert(ids.end(), ids_.begin() + s.ids[0], ids_.begin() + s.ids[0] + s.n_ids);
  }
}

// Tokenizes a piece not seen (or forgotten) and remembers its ids. This
// first sight is counted in the table itself.
void PieceInterner::learn(const Pending& p, size_t empty_slot, bool counted, std::vector<uint32_t>& ids) {
  scratch_.clear();
  tok_.piece_tokens(p.piece, scratch_);
  const size_t first = ids.size();
  for (size_t k = 0; k < scratch_.size(); ++k) ids.push_back(table_.intern(scratch_[k], counted));
  const size_t n = ids.size() - first;
  if (p.piece.text.size() <= UINT16_MAX && n <= UINT16_MAX) remember(empty_slot, p, ids.data() + first, n);
}

inline PieceInterner::Slot* PieceInterner::find(const Pending& p, size_t* empty_slot) {
  const std::string_view key = p.piece.text;
  const auto hash = static_cast<uint32_t>(p.hash);
  const size_t mask = slots_.size() - 1;
  for (size_t i = p.hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.key_len == 0) {
      *empty_slot = i;
      return nullptr;
    }
    if (s.hash == hash && s.head == p.head && s.key_len == key.size() &&
        (key.size() <= 8 || same_tail(keys_.data() + s.key_at, key)))
      return &s;
  }
}

void PieceInterner::remember(size_t slot, const Pending& p, const uint32_t* ids, size_t n) {
  const std::string_view key = p.piece.text;
  const size_t key_bytes = key.size() > 8 ? key.size() : 0, id_bytes = n > 2 ? 4 * n : 0;
  if (entries_ > 0 && keys_.size() + key_bytes + 4 * ids_.size() + id_bytes + sizeof(Slot) * slots_.size() > budget_) {
    forget_all();
    find(p, &slot);  // its slot in the emptied table
  }
  Slot s;
  s.hash = static_cast<uint32_t>(p.hash);
  s.head = p.head;
  s.key_len = static_cast<uint16_t>(key.size());
  s.n_ids = static_cast<uint16_t>(n);
  if (key_bytes) {
    s.key_at = static_cast<uint32_t>(keys_.size());
    keys_.insert(keys_.end(), key.begin(), key.end());
  }
  if (n <= 2) {
    std::copy(ids, ids + n, s.ids);
  } else {
    s.ids[0] = static_cast<uint32_t>(ids_.size());
    ids_.insert(ids_.end(), ids, ids + n);
  }
  slots_[slot] = s;
  if (++entries_ * 2 > slots_.size()) grow();
}

void PieceInterner::flush_counts() {
  for (Slot& s : slots_) {
    if (s.count == 0) continue;
    if (s.n_ids <= 2) {
      for (uint16_t k = 0; k < s.n_ids; ++k) table_.add_count(s.ids[k], s.count);
    } else {
      for (uint16_t k = 0; k < s.n_ids; ++k) table_.add_count(ids_[s.ids[0] + k], s.count);
    }
    s.count = 0;
  }
}

void PieceInterner::forget_all() {
  flush_counts();
  slots_.assign(kFirstSlots, Slot{});
  keys_.clear();
  ids_.clear();
  entries_ = 0;
  ++resets_;
}

void PieceInterner::grow() {
  HugeVector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.key_len == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].key_len != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace parlance
