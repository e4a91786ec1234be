#pragma once
// An anonymous scratch file for a rank's local token ids: created in the
// output folder and unlinked at once, so the operating system reclaims it
// however the process ends (error, MPI_Abort, kill) and nothing is left behind.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace parlance {

class SpillFile {
 public:
  explicit SpillFile(const std::string& dir);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  void append(const uint32_t* ids, size_t n);
  uint64_t size() const { return written_; }
  // Switches to reading from the start.
  void rewind();
  // Reads up to n ids; returns how many were read.
  size_t read(uint32_t* dst, size_t n);

 private:
  std::FILE* f_ = nullptr;
  uint64_t written_ = 0;
  std::vector<char> buffer_;
};

}  // namespace parlance
