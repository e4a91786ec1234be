#include "data/token_table.h"

#include <cstring>
#include <stdexcept>

namespace parlance {

uint32_t TokenTable::intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) {
    ++counts_[it->second];
    return it->second;
  }
  auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  counts_.push_back(1);
  ids_.emplace(strings_.back(), id);
  return id;
}

std::string TokenTable::serialize() const {
  std::string out;
  for (size_t i = 0; i < strings_.size(); ++i) {
    uint32_t len = static_cast<uint32_t>(strings_[i].size());
    uint64_t c = counts_[i];
    out.append(reinterpret_cast<const char*>(&len), 4).append(strings_[i]).append(reinterpret_cast<const char*>(&c), 8);
  }
  return out;
}

void TokenTable::merge_serialized(std::string_view blob) {
  for (size_t i = 0; i < blob.size();) {
    uint32_t len;
    uint64_t c;
    if (i + 4 > blob.size()) throw std::runtime_error("corrupt token table");
    std::memcpy(&len, blob.data() + i, 4);
    std::string_view s = blob.substr(i + 4, len);
    std::memcpy(&c, blob.data() + i + 4 + len, 8);
    uint32_t id = intern(s);
    counts_[id] += c - 1;  // intern() already counted one
    i += 4 + len + 8;
  }
}

}  // namespace parlance
