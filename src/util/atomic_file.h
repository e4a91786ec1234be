#pragma once
#include <string>

namespace parlance {

// Writes `contents` to PATH.tmp-PID and renames it over PATH, so readers see
// the old file or the whole new one, never a half-written one.
void write_file_atomically(const std::string& path, const std::string& contents);

// Checks, before any work, that a file can later be written at `path`: its
// folder exists and `path` is not a folder. Throws UserError naming `option`.
void check_output_file(const std::string& path, const std::string& option);

// Creates the folder `path` (and its parents) for output, or throws UserError
// naming it and the reason: a file in its place, no permission, a read-only
// file system. `what` says what the folder is for ("the run folder").
void create_output_folder(const std::string& path, const std::string& what);

}  // namespace parlance
