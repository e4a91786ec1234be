#pragma once
#include <string>

namespace parlance {

// Writes `contents` to PATH.tmp-PID and renames it over PATH, so readers see
// the old file or the whole new one, never a half-written one.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace parlance
