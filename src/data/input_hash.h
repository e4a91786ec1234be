#pragma once
// Content hashes of the input files, recorded in the output for provenance.
// Plain XXH64 of each whole file (seed 0), so `xxh64sum FILE` checks it.
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

uint64_t xxh64_file(const std::string& path);
std::string hex64(uint64_t v);

// XXH64 of bytes fed in pieces: a file hashed while it is read for
// tokenizing, instead of opened and read a second time.
class Xxh64Stream {
 public:
  Xxh64Stream();
  ~Xxh64Stream();
  Xxh64Stream(const Xxh64Stream&) = delete;
  Xxh64Stream& operator=(const Xxh64Stream&) = delete;
  void update(const void* data, size_t n);
  uint64_t digest() const;
  // As if newly made: one stream serves file after file (prep hashes every
  // file of a folder corpus) without an allocation each.
  void reset();

 private:
  void* state_;  // XXH64_state_t
};

}  // namespace parlance
