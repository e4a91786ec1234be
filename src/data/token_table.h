#pragma once
// A rank's own token inventory: each distinct string gets a local id in order
// of first appearance, with its count. Local ids are what the rank spills to
// disk during tokenization; after the global vocabulary is known they are
// remapped once. Tables from all ranks merge by string, so the merged counts
// do not depend on how the corpus was divided.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parlance {

class TokenTable {
 public:
  uint32_t intern(std::string_view s);
  size_t size() const { return strings_.size(); }
  const std::string& string(uint32_t id) const { return strings_[id]; }
  uint64_t count(uint32_t id) const { return counts_[id]; }
  void add_count(uint32_t id, uint64_t n) { counts_[id] += n; }

  // Length-prefixed (string, count) records.
  std::string serialize() const;
  // Adds every (string, count) of a serialized table into this one.
  void merge_serialized(std::string_view blob);

 private:
  std::deque<std::string> strings_;  // deque: views into it stay valid as it grows
  std::vector<uint64_t> counts_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace parlance
