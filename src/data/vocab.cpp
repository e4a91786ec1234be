#include "data/vocab.h"

#include <algorithm>
#include <numeric>

#include "text/fastai_rules.h"

namespace parlance {

Vocab Vocab::build(const TokenTable& global, int64_t max_vocab, int64_t min_freq, int64_t multiple) {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < global.size(); ++i)
    if (global.count(i) >= static_cast<uint64_t>(min_freq)) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (global.count(a) != global.count(b)) return global.count(a) > global.count(b);
    return global.string(a) < global.string(b);
  });
  if (order.size() > static_cast<size_t>(max_vocab)) order.resize(static_cast<size_t>(max_vocab));
  std::vector<std::string> itos(tok::kSpecials.begin(), tok::kSpecials.end());
  for (uint32_t i : order)
    if (std::find(tok::kSpecials.begin(), tok::kSpecials.end(), global.string(i)) == tok::kSpecials.end())
      itos.push_back(global.string(i));
  if (itos.size() > static_cast<size_t>(max_vocab)) itos.resize(static_cast<size_t>(max_vocab));
  for (int k = 0; itos.size() < static_cast<size_t>(max_vocab) && itos.size() % multiple != 0; ++k)
    itos.push_back("xxfake" + std::to_string(k));
  return from_itos(std::move(itos), global);
}

Vocab Vocab::from_itos(std::vector<std::string> itos, const TokenTable& global) {
  Vocab v;
  v.itos = std::move(itos);
  std::unordered_map<std::string_view, uint64_t> counts;
  for (uint32_t i = 0; i < global.size(); ++i) counts[global.string(i)] = global.count(i);
  for (size_t i = 0; i < v.itos.size(); ++i) {
    auto it = counts.find(v.itos[i]);
    v.counts.push_back(it == counts.end() ? 0 : it->second);
    v.stoi.emplace(v.itos[i], static_cast<int32_t>(i));  // first occurrence wins
  }
  return v;
}

int32_t Vocab::id(const std::string& s) const {
  auto it = stoi.find(s);
  return it == stoi.end() ? 0 : it->second;
}

}  // namespace parlance
