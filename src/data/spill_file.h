#pragma once
// A rank's local token ids for one (split, stream), written once while
// tokenizing and read back once in order for the write. The first ids stay in
// memory while the rank's shared budget lasts (writing them to a file and
// reading them back was a tenth of prep's time); the rest go to an anonymous
// scratch file, created in the output folder and unlinked at once, so the
// operating system reclaims it however the process ends (error, MPI_Abort,
// kill) and nothing is left behind.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace parlance {

class SpillFile {
 public:
  // `memory_left`: the bytes of ids the rank may still hold in memory, shared
  // by its spill files and decreased as they fill (nullptr: none).
  SpillFile(std::string dir, size_t* memory_left);
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
  void open_file();
  std::string dir_;
  size_t* memory_left_;
  std::vector<uint32_t> memory_;  // the first ids
  size_t read_pos_ = 0;           // in memory_, while reading
  std::FILE* f_ = nullptr;        // the rest, once memory ran out
  uint64_t written_ = 0;
  std::vector<char> buffer_;
};

}  // namespace parlance
