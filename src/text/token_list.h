#pragma once
// A document's tokens as one byte arena plus end offsets: no allocation per
// token, and views into it feed the vocabulary counter directly.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parlance {

class TokenList {
 public:
  void push(std::string_view t) {
    bytes_.append(t);
    ends_.push_back(static_cast<uint32_t>(bytes_.size()));
  }
  // Appends a token built in place: append to open(), then close().
  std::string& open() { return bytes_; }
  void close() { ends_.push_back(static_cast<uint32_t>(bytes_.size())); }
  void insert_before_last(std::string_view t);  // (rare) keeps xxeos last
  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::string_view operator[](size_t i) const {
    uint32_t b = i ? ends_[i - 1] : 0;
    return std::string_view(bytes_).substr(b, ends_[i] - b);
  }
  void clear() {
    bytes_.clear();
    ends_.clear();
  }
  std::vector<std::string> strings() const;  // for tests and tools

 private:
  std::string bytes_;
  std::vector<uint32_t> ends_;
};

inline void TokenList::insert_before_last(std::string_view t) {
  if (ends_.empty()) return push(t);
  std::string last(operator[](ends_.size() - 1));
  bytes_.resize(ends_.size() > 1 ? ends_[ends_.size() - 2] : 0);
  ends_.pop_back();
  push(t);
  push(last);
}

inline std::vector<std::string> TokenList::strings() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < size(); ++i) out.emplace_back((*this)[i]);
  return out;
}

}  // namespace parlance
