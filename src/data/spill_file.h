#pragma once
// A rank's local token ids for one (split, stream), written once while
// tokenizing and read back once in order for the write. The first ids stay in
// memory while the rank's shared budget lasts (writing them to a file and
// reading them back was a tenth of prep's time); the rest go to an anonymous
// scratch file, created in the output folder and unlinked at once, so the
// operating system reclaims it however the process ends (error, MPI_Abort,
// kill) and nothing is left behind.
// In memory the ids sit in blocks that are filled and never moved (one
// growing vector copied and page-faulted its contents again at every
// doubling): the first block holds 64 Ki ids, each next one twice the last, up
// to `max_block_ids`.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace parlance {

class SpillFile {
 public:
  // `memory_left`: the bytes of ids the rank may still hold in memory, shared
  // by its spill files and decreased as they fill (nullptr: none).
  SpillFile(std::string dir, size_t* memory_left, size_t max_block_ids = size_t{1} << 20);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;
  void append(const uint32_t* ids, size_t n);
  uint64_t size() const { return written_; }
  // Switches to reading from the start.
  void rewind();
  // Reads up to n ids; returns how many were read. Inline for the common
  // case: the write reads a document's ids at a time.
  size_t read(uint32_t* dst, size_t n) {
    if (n > left_) return read_across(dst, n);
    std::copy_n(next_, n, dst);
    next_ += n, left_ -= n;
    return n;
  }

 private:
  void open_file();
  void keep_in_memory(const uint32_t* ids, size_t n);
  size_t read_across(uint32_t* dst, size_t n);
  void enter_block();  // next_, left_ = blocks_[read_block_] (nothing past the last)

  std::string dir_;
  size_t* memory_left_;
  // The first ids; all blocks but the last are full. Ordinary pages: written
  // and read in order, they gain nothing from huge ones, and zeroing fresh
  // 2 MiB pages cost more (pairs: sys 0.72 s on huge pages, 0.56 s without).
  std::vector<std::vector<uint32_t>> blocks_;
  size_t max_block_ids_;
  size_t read_block_ = 0;           // while reading: the block next_ points into
  const uint32_t* next_ = nullptr;  // the next id to read in it
  size_t left_ = 0;                 // ids after next_ in it
  std::FILE* f_ = nullptr;          // the rest, once memory ran out
  uint64_t written_ = 0;
  std::vector<char> buffer_;
};

}  // namespace parlance
