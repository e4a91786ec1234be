#pragma once
// Test helpers for reading the SVG text parlance writes.
#include <string>

namespace parlance::test {

// How many times `what` occurs in `s` (overlaps counted).
inline size_t occurrences(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace parlance::test
