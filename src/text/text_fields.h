#pragma once
// A document's text fields, as views: one for most corpora, a few for CSV
// rows with several text columns. Prep makes one or two per document (a
// parallel pair has two sides), so up to two fields live inline and only more
// go to the heap: a vector per document was a malloc and a free each, about
// 5% of preparing short sentence pairs.
//
// Invariant: the fields are contiguous — inline_ holds them while there are
// at most kInline, spill_ holds all of them after that.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parlance {

class TextFields {
 public:
  TextFields() = default;
  TextFields(std::initializer_list<std::string_view> fields) {
    for (auto f : fields) push_back(f);
  }

  void push_back(std::string_view f) {
    if (n_ < kInline) {
      inline_[n_++] = f;
      return;
    }
    if (n_ == kInline) spill_.assign(inline_.begin(), inline_.end());
    spill_.push_back(f);
    ++n_;
  }

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  std::string_view* begin() { return n_ <= kInline ? inline_.data() : spill_.data(); }
  std::string_view* end() { return begin() + n_; }
  const std::string_view* begin() const { return n_ <= kInline ? inline_.data() : spill_.data(); }
  const std::string_view* end() const { return begin() + n_; }
  std::string_view& operator[](size_t i) { return begin()[i]; }
  std::string_view operator[](size_t i) const { return begin()[i]; }
  std::string_view at(size_t i) const {
    if (i >= n_) throw std::out_of_range("TextFields::at: field " + std::to_string(i) + " of " + std::to_string(n_));
    return begin()[i];
  }

 private:
  static constexpr size_t kInline = 2;
  std::array<std::string_view, kInline> inline_{};
  std::vector<std::string_view> spill_;
  size_t n_ = 0;
};

}  // namespace parlance
