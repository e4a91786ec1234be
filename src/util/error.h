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

// An error every rank has agreed on (all read the same recipe and failed the
// same way): rank 0 reports it, all ranks exit 1 without an abort.
class AgreedError : public UserError {
 public:
  using UserError::UserError;
};

}  // namespace parlance
