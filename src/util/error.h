#pragma once
// One exception type for everything the user can fix (bad input, bad config).
// The message is complete on its own: it names the file, the line/record or byte
// offset, and what was expected. main() prints it on one line and exits non-zero.
#include <stdexcept>
#include <string>

namespace parlance {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace parlance
