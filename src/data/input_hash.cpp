#include "data/input_hash.h"

#include <xxhash.h>

#include <cstdio>
#include <memory>
#include <new>
#include <vector>

#include "util/error.h"

namespace parlance {

uint64_t xxh64_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw UserError(path + ": cannot open to hash");
  Xxh64Stream hash;
  thread_local std::vector<char> buf(1 << 20);  // once: folders hash thousands of small files
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0;) hash.update(buf.data(), n);
  // A short read is the end only if no error stopped it: a hash of part of a
  // file would pass for the file's.
  if (std::ferror(f.get())) throw UserError(path + ": read error while hashing");
  return hash.digest();
}

Xxh64Stream::Xxh64Stream() : state_(XXH64_createState()) {
  if (!state_) throw std::bad_alloc();
  reset();
}
Xxh64Stream::~Xxh64Stream() { XXH64_freeState(static_cast<XXH64_state_t*>(state_)); }
void Xxh64Stream::reset() { XXH64_reset(static_cast<XXH64_state_t*>(state_), 0); }
void Xxh64Stream::update(const void* data, size_t n) { XXH64_update(static_cast<XXH64_state_t*>(state_), data, n); }
uint64_t Xxh64Stream::digest() const { return XXH64_digest(static_cast<const XXH64_state_t*>(state_)); }

// As printf's "%016llx" writes it; by hand, since provenance hexes a hash
// per input file (snprintf cost ~1,100 instructions a call).
std::string hex64(uint64_t v) {
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = "0123456789abcdef"[v & 0xF];
  return s;
}

}  // namespace parlance
