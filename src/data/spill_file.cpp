#include "data/spill_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "util/error.h"

namespace parlance {

SpillFile::SpillFile(std::string dir, size_t* memory_left, size_t max_block_ids)
    : dir_(std::move(dir)), memory_left_(memory_left), max_block_ids_(std::max<size_t>(1, max_block_ids)) {}

SpillFile::~SpillFile() {
  if (f_) std::fclose(f_);
}

void SpillFile::open_file() {
  std::string tmpl = (dir_.empty() ? std::string(".") : dir_) + "/.parlance-spill-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw UserError(dir_ + ": cannot create a scratch file: " + std::strerror(errno));
  unlink(tmpl.c_str());
  f_ = fdopen(fd, "w+b");
  if (!f_) throw std::runtime_error("fdopen failed");
  buffer_.resize(1 << 20);
  std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
}

void SpillFile::append(const uint32_t* ids, size_t n) {
  written_ += n;
  if (!f_) {
    const size_t fit = memory_left_ ? std::min(n, *memory_left_ / sizeof(uint32_t)) : 0;
    keep_in_memory(ids, fit);
    if (memory_left_) *memory_left_ -= fit * sizeof(uint32_t);
    ids += fit, n -= fit;
    if (n == 0) return;
    open_file();
  }
  if (std::fwrite(ids, sizeof(uint32_t), n, f_) != n)
    throw UserError("cannot write scratch data (disk full?): " + std::string(std::strerror(errno)));
}

void SpillFile::keep_in_memory(const uint32_t* ids, size_t n) {
  while (n > 0) {
    if (blocks_.empty() || blocks_.back().size() == blocks_.back().capacity()) {
      const size_t ids_in_block = blocks_.empty() ? size_t{1} << 16 : 2 * blocks_.back().capacity();
      blocks_.emplace_back().reserve(std::min(ids_in_block, max_block_ids_));
    }
    std::vector<uint32_t>& b = blocks_.back();
    const size_t k = std::min(n, b.capacity() - b.size());
    b.insert(b.end(), ids, ids + k);
    ids += k, n -= k;
  }
}

void SpillFile::rewind() {
  read_block_ = 0;
  enter_block();
  if (!f_) return;
  std::fflush(f_);
  std::rewind(f_);
}

void SpillFile::enter_block() {
  const bool in = read_block_ < blocks_.size();
  next_ = in ? blocks_[read_block_].data() : nullptr;
  left_ = in ? blocks_[read_block_].size() : 0;
}

size_t SpillFile::read_across(uint32_t* dst, size_t n) {
  size_t from_memory = 0;
  while (from_memory < n && read_block_ < blocks_.size()) {
    const size_t k = std::min(n - from_memory, left_);
    std::copy_n(next_, k, dst + from_memory);
    from_memory += k, next_ += k, left_ -= k;
    if (left_ == 0) ++read_block_, enter_block();
  }
  if (from_memory == n || !f_) return from_memory;
  return from_memory + std::fread(dst + from_memory, sizeof(uint32_t), n - from_memory, f_);
}

}  // namespace parlance
