#pragma once
// One document as it leaves a reader and enters the tokenizer.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

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
// block (CSV fields with "" escapes, repaired UTF-8, regex matches).
using TextArena = std::deque<std::string>;

}  // namespace parlance
