#include "data/spill_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "util/error.h"

namespace parlance {

SpillFile::SpillFile(const std::string& dir) : buffer_(1 << 20) {
  std::string tmpl = (dir.empty() ? std::string(".") : dir) + "/.parlance-spill-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw UserError(dir + ": cannot create a scratch file: " + std::strerror(errno));
  unlink(tmpl.c_str());
  f_ = fdopen(fd, "w+b");
  if (!f_) throw std::runtime_error("fdopen failed");
  std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
}

SpillFile::~SpillFile() {
  if (f_) std::fclose(f_);
}

void SpillFile::append(const uint32_t* ids, size_t n) {
  if (std::fwrite(ids, sizeof(uint32_t), n, f_) != n)
    throw UserError("cannot write scratch data (disk full?): " + std::string(std::strerror(errno)));
  written_ += n;
}

void SpillFile::rewind() {
  std::fflush(f_);
  std::rewind(f_);
}

size_t SpillFile::read(uint32_t* dst, size_t n) { return std::fread(dst, sizeof(uint32_t), n, f_); }

}  // namespace parlance
