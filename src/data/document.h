#pragma once
// One document as it leaves a reader and enters the tokenizer.
#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>
#include <utility>

#include "text/text_fields.h"

namespace parlance {

struct Document {
  TextFields fields;      // text fields (one unless CSV has several)
  TextFields tgt_fields;  // parallel data: the target side
  bool ends_line = false;  // a "line" record: the tokenizer's end-of-line convention applies
  int split = -1;          // output split; -1 until the seeded split decides
  std::string_view label;  // class name ("" = unlabelled)
  uint64_t offset = 0;     // byte offset of the record in its file (seeds the random split)
};

// Owns the bytes that documents point to when they are not views of the input
// block (CSV fields with "" escapes, repaired UTF-8, regex matches). A held
// string never moves while the arena lives. An empty arena allocates nothing:
// most blocks need none, and a folder corpus makes one per file (a std::deque
// here allocated twice on construction, 100,000 times for aclImdb).
class TextArena {
 public:
  // A new string made from `args` (as std::string's constructors take them).
  template <class... Args>
  std::string& hold(Args&&... args) {
    return strings_.emplace_front(std::forward<Args>(args)...);
  }

 private:
  std::forward_list<std::string> strings_;
};

}  // namespace parlance
