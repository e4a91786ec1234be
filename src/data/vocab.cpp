#include "data/vocab.h"

#include <algorithm>

#include "text/fastai_rules.h"
#include "util/string_head.h"

namespace parlance {

namespace {

// A candidate entry, ranked without chasing its string: count first, then
// big_endian_head, and the whole string only when those tie. Tokens hold no
// NUL byte, so equal heads of two strings of at most 8 bytes cannot happen,
// and byte order is std::string's order.
struct Ranked {
  uint64_t count;
  uint64_t head;
  const std::string* s;
  uint32_t entry;  // in the global table
};

bool ranks_before(const Ranked& a, const Ranked& b) {
  if (a.count != b.count) return a.count > b.count;
  if (a.head != b.head) return a.head < b.head;
  return *a.s < *b.s;
}

// Index of `s` among fastai's specials, or -1. All of them start with "xx".
std::ptrdiff_t special_index(const std::string& s) {
  if (s.size() <= 2 || s[0] != 'x' || s[1] != 'x') return -1;
  const auto it = std::find(tok::kSpecials.begin(), tok::kSpecials.end(), s);
  return it == tok::kSpecials.end() ? -1 : it - tok::kSpecials.begin();
}

}  // namespace

// fastai's order: the specials, then tokens of count >= min_freq by count
// (ties by bytes), capped at max_vocab in all, padded to a multiple of `multiple`.
// A large corpus has hundreds of thousands of candidates: only the kept ones are
// fully sorted.
Vocab Vocab::build(const TokenTable& global, int64_t max_vocab, int64_t min_freq, int64_t multiple,
                   std::vector<int32_t>* entry_ids) {
  const size_t cap = static_cast<size_t>(max_vocab);
  std::vector<uint64_t> special_counts(tok::kSpecials.size(), 0);
  std::vector<int64_t> entry_at(tok::kSpecials.size(), -1);  // per itos position; the specials come first
  std::vector<Ranked> ranked;
  for (uint32_t i = 0; i < global.size(); ++i) {
    const std::string& s = global.string(i);
    if (const std::ptrdiff_t k = special_index(s); k >= 0) {
      special_counts[static_cast<size_t>(k)] = global.count(i);
      entry_at[static_cast<size_t>(k)] = i;
      continue;
    }
    if (global.count(i) >= static_cast<uint64_t>(min_freq)) ranked.push_back({global.count(i), big_endian_head(s), &s, i});
  }
  const size_t keep = std::min(ranked.size(), cap > tok::kSpecials.size() ? cap - tok::kSpecials.size() : 0);
  std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(), ranks_before);
  ranked.resize(keep);
  std::sort(ranked.begin(), ranked.end(), ranks_before);

  Vocab v;
  v.itos.assign(tok::kSpecials.begin(), tok::kSpecials.end());
  v.counts = special_counts;
  if (v.itos.size() > cap) v.itos.resize(cap), v.counts.resize(cap), entry_at.resize(cap);
  for (const Ranked& r : ranked) v.itos.push_back(*r.s), v.counts.push_back(r.count), entry_at.push_back(r.entry);
  for (int k = 0; v.itos.size() < cap && v.itos.size() % static_cast<size_t>(multiple) != 0; ++k) {
    v.itos.push_back("xxfake" + std::to_string(k)), v.counts.push_back(0);
    entry_at.push_back(global.find(v.itos.back()));  // a corpus may hold "xxfake0" below min_freq
  }
  v.index_strings();
  if (entry_ids) set_entry_ids(entry_at, global.size(), entry_ids);
  return v;
}

Vocab Vocab::from_itos(std::vector<std::string> itos, const TokenTable& global, std::vector<int32_t>* entry_ids) {
  Vocab v;
  v.itos = std::move(itos);
  std::vector<int64_t> entry_at;
  for (const std::string& s : v.itos) {
    const int64_t k = global.find(s);
    v.counts.push_back(k < 0 ? 0 : global.count(static_cast<uint32_t>(k)));
    entry_at.push_back(k);
  }
  v.index_strings();
  if (entry_ids) set_entry_ids(entry_at, global.size(), entry_ids);
  return v;
}

void Vocab::set_entry_ids(const std::vector<int64_t>& entry_at, size_t n_entries, std::vector<int32_t>* entry_ids) {
  entry_ids->assign(n_entries, -1);
  for (size_t p = 0; p < entry_at.size(); ++p)
    if (entry_at[p] >= 0 && (*entry_ids)[static_cast<size_t>(entry_at[p])] < 0)
      (*entry_ids)[static_cast<size_t>(entry_at[p])] = static_cast<int32_t>(p);
  for (int32_t& id : *entry_ids) id = std::max(id, 0);  // not in the vocabulary: xxunk
}

// The first occurrence of a repeated string wins.
void Vocab::index_strings() {
  index_ = TokenTable();
  position_.clear();
  for (size_t i = 0; i < itos.size(); ++i)
    if (index_.intern(itos[i], false) == position_.size()) position_.push_back(static_cast<int32_t>(i));
}

int32_t Vocab::id(std::string_view s) const {
  const int64_t k = index_.find(s);
  return k < 0 ? 0 : position_[static_cast<size_t>(k)];
}

}  // namespace parlance
