#include "data/spill_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "util/error.h"

namespace parlance {

SpillFile::SpillFile(std::string dir, size_t* memory_left) : dir_(std::move(dir)), memory_left_(memory_left) {}

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
    memory_.insert(memory_.end(), ids, ids + fit);
    if (memory_left_) *memory_left_ -= fit * sizeof(uint32_t);
    ids += fit, n -= fit;
    if (n == 0) return;
    open_file();
  }
  if (std::fwrite(ids, sizeof(uint32_t), n, f_) != n)
    throw UserError("cannot write scratch data (disk full?): " + std::string(std::strerror(errno)));
}

void SpillFile::rewind() {
  read_pos_ = 0;
  if (!f_) return;
  std::fflush(f_);
  std::rewind(f_);
}

size_t SpillFile::read(uint32_t* dst, size_t n) {
  const size_t from_memory = std::min(n, memory_.size() - read_pos_);
  std::copy_n(memory_.data() + read_pos_, from_memory, dst);
  read_pos_ += from_memory;
  if (from_memory == n || !f_) return from_memory;
  return from_memory + std::fread(dst + from_memory, sizeof(uint32_t), n - from_memory, f_);
}

}  // namespace parlance
