#include "data/record_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "util/error.h"
#include "util/folder_files.h"

namespace parlance {
namespace {

// A read-only file descriptor, closed on scope exit. Plain pread: folders of
// small files open thousands, and a stdio stream per file costs a buffer.
class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw UserError(path + ": cannot open: " + std::strerror(errno));
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Up to n bytes at `off` (fewer only at the end of the file).
size_t read_at(int fd, const std::string& path, uint64_t off, char* dst, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, dst + got, n - got, static_cast<off_t>(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw UserError(path + ": read error at byte " + std::to_string(off + got) + ": " + std::strerror(errno));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

constexpr size_t kScanBlock = 1 << 20;

// Calls fn(block, file_offset) over [from, to) in 1 MiB blocks until fn returns false.
template <class Fn>
void scan(const std::string& path, uint64_t from, uint64_t to, Fn fn) {
  const Fd f(path);
  // Sized to the range: folders of small files scan each one (a 1 MiB buffer
  // zeroed per file was a seventh of prep's time on aclImdb).
  std::vector<char> buf(static_cast<size_t>(std::min<uint64_t>(kScanBlock, to > from ? to - from : 1)));
  for (uint64_t off = from; off < to;) {
    size_t n = read_at(f.get(), path, off, buf.data(), std::min<uint64_t>(kScanBlock, to - off));
    if (n == 0) break;
    if (!fn(std::string_view(buf.data(), n), off)) return;
    off += n;
  }
}

// Inside-quotes state at `off`, counting from `from` where the state is "outside".
bool csv_in_quotes_at(const std::string& path, uint64_t from, uint64_t off) {
  bool in = false;
  scan(path, from, off, [&](std::string_view b, uint64_t) {
    for (char c : b) in ^= (c == '"');
    return true;
  });
  return in;
}

}  // namespace

bool is_level1_heading(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // The WikiText convention (as the usual regex ^ = [^=].* = $ has it).
  return line.size() >= 7 && line.substr(0, 3) == " = " && line[3] != '=' && line.substr(line.size() - 3) == " = ";
}

uint64_t csv_data_begin(const std::string& path, bool has_header, uint64_t max_record) {
  if (!has_header) return 0;
  uint64_t end = 0;
  bool found = false, in = false;
  scan(path, 0, max_record, [&](std::string_view b, uint64_t off) {
    for (size_t i = 0; i < b.size(); ++i) {
      in ^= (b[i] == '"');
      if (b[i] == '\n' && !in) {
        end = off + i + 1, found = true;
        return false;
      }
    }
    return true;
  });
  if (!found) {
    const Fd f(path);
    end = static_cast<uint64_t>(::lseek(f.get(), 0, SEEK_END));  // a header with no data records
  }
  return end;
}

uint64_t next_record_start(const std::string& path, uint64_t size, RecordKind kind, uint64_t off,
                           uint64_t data_begin) {
  if (off <= data_begin) return std::min(data_begin, size);
  if (off >= size || kind == RecordKind::File) return size;
  uint64_t result = size;
  switch (kind) {
    case RecordKind::Line:
      scan(path, off - 1, size, [&](std::string_view b, uint64_t at) {
        const void* nl = std::memchr(b.data(), '\n', b.size());
        if (!nl) return true;
        result = at + (static_cast<const char*>(nl) - b.data()) + 1;
        return false;
      });
      break;
    case RecordKind::Csv: {
      // Start one byte early: `off` itself is a record start when a newline
      // outside quotes ends the byte before it.
      bool in = csv_in_quotes_at(path, data_begin, off - 1);
      scan(path, off - 1, size, [&](std::string_view b, uint64_t at) {
        for (size_t i = 0; i < b.size(); ++i) {
          in ^= (b[i] == '"');
          if (b[i] == '\n' && !in) {
            result = at + i + 1;
            return false;
          }
        }
        return true;
      });
      break;
    }
    case RecordKind::Heading: {
      // Walk whole lines from the first line start at or after `off`.
      uint64_t line_start = next_record_start(path, size, RecordKind::Line, off, 0);
      std::string line;
      scan(path, line_start, size, [&](std::string_view b, uint64_t at) {
        for (size_t i = 0; i < b.size(); ++i) {
          if (b[i] != '\n') {
            if (line.size() < 4096) line.push_back(b[i]);  // headings are short; cap the copy
            continue;
          }
          if (is_level1_heading(line)) {
            result = line_start;
            return false;
          }
          line.clear();
          line_start = at + i + 1;
        }
        return true;
      });
      break;
    }
    case RecordKind::File:
      break;
  }
  return result;
}

uint64_t line_number_at(const std::string& path, uint64_t off) {
  uint64_t lines = 1;
  scan(path, 0, off, [&](std::string_view b, uint64_t) {
    lines += static_cast<uint64_t>(std::count(b.begin(), b.end(), '\n'));
    return true;
  });
  return lines;
}

uint64_t offset_of_line(const std::string& path, uint64_t line) {
  if (line == 0) return 0;
  uint64_t seen = 0, result = 0;
  scan(path, 0, UINT64_MAX, [&](std::string_view b, uint64_t at) {  // to EOF
    for (const char* p = b.data(); (p = static_cast<const char*>(std::memchr(p, '\n', b.data() + b.size() - p)));) {
      ++p;
      if (++seen == line) {
        result = at + static_cast<uint64_t>(p - b.data());
        return false;
      }
    }
    result = at + b.size();
    return true;
  });
  return result;
}

ChunkReader::ChunkReader(const std::string& path, uint64_t begin, uint64_t end, RecordKind kind, uint64_t chunk,
                         uint64_t max_record, FolderFiles* folders)
    : path_(path), pos_(begin), end_(end), kind_(kind), chunk_(chunk), max_record_(max_record), buf_offset_(begin) {
  f_ = folders ? folders->open_read(path) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f_ < 0) throw UserError(path + ": cannot open: " + std::strerror(errno));
  if (kind_ == RecordKind::File && end - begin > max_record_)
    throw UserError(path + ": file is " + std::to_string(end - begin) + " bytes, over prep.max_record_mb (" +
                    std::to_string(max_record_ >> 20) + " MB) for a one-document-per-file input");
}

ChunkReader::~ChunkReader() {
  if (f_ >= 0) ::close(f_);
}

size_t ChunkReader::last_record_end(std::string_view b) const {
  switch (kind_) {
    case RecordKind::Line: {
      size_t p = b.rfind('\n');
      return p == std::string_view::npos ? 0 : p + 1;
    }
    case RecordKind::Csv: {
      bool in = false;
      size_t last = 0;
      for (size_t i = 0; i < b.size(); ++i) {
        in ^= (b[i] == '"');
        if (b[i] == '\n' && !in) last = i + 1;
      }
      return last;
    }
    case RecordKind::Heading: {
      // The last complete heading line that is not the block's first line.
      size_t line_end = b.rfind('\n');
      while (line_end != std::string_view::npos && line_end > 0) {
        size_t prev = b.rfind('\n', line_end - 1);
        size_t start = prev == std::string_view::npos ? 0 : prev + 1;
        if (start > 0 && is_level1_heading(b.substr(start, line_end - start))) return start;
        if (prev == std::string_view::npos) break;
        line_end = prev;
      }
      return 0;
    }
    case RecordKind::File:
      return 0;
  }
  return 0;
}

size_t ChunkReader::oversized_record(std::string_view b) const {
  size_t start = 0;  // of the current record
  auto over = [&](size_t end) { return end - start > max_record_; };
  switch (kind_) {
    case RecordKind::Line:
      for (size_t p = 0; p < b.size();) {
        const void* nl = std::memchr(b.data() + p, '\n', b.size() - p);
        const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - b.data()) + 1 : b.size();
        if (over(end)) return start;
        start = p = end;
      }
      return std::string_view::npos;
    case RecordKind::Csv: {
      bool in = false;
      for (size_t i = 0; i < b.size(); ++i) {
        in ^= (b[i] == '"');
        if (b[i] == '\n' && !in) {
          if (over(i + 1)) return start;
          start = i + 1;
        }
      }
      return over(b.size()) ? start : std::string_view::npos;
    }
    case RecordKind::Heading:
      for (size_t p = 0; p < b.size();) {  // an article runs from one level-1 heading line to the next
        const size_t nl = b.find('\n', p), end = nl == std::string_view::npos ? b.size() : nl + 1;
        if (p > start && is_level1_heading(b.substr(p, end - p - (nl == std::string_view::npos ? 0 : 1)))) {
          if (over(p)) return start;
          start = p;
        }
        p = end;
      }
      return over(b.size()) ? start : std::string_view::npos;
    case RecordKind::File:
      return std::string_view::npos;  // checked against the file size when opened
  }
  return std::string_view::npos;
}

void ChunkReader::fail_oversized(uint64_t record_offset) const {
  throw UserError(path_ + ": record starting at byte " + std::to_string(record_offset) + " (line " +
                  std::to_string(line_number_at(path_, record_offset)) + ") is longer than prep.max_record_mb (" +
                  std::to_string(max_record_ >> 20) + " MB); expected " +
                  (kind_ == RecordKind::Heading ? "articles separated by \" = Title = \" lines"
                                                : "newline-terminated records"));
}

bool ChunkReader::next(std::string_view* block, uint64_t* offset) {
  buf_.erase(0, consumed_);
  buf_offset_ += consumed_;
  consumed_ = 0;
  while (true) {
    bool at_end = pos_ >= end_;
    size_t cut = at_end ? buf_.size() : last_record_end(buf_);
    if (cut > 0 && (at_end || buf_.size() >= chunk_ || cut == buf_.size())) {
      // Chunks bigger than the limit can hold a whole oversized record: the
      // limit is checked per record, so it means the same for any chunk size.
      const size_t bad = oversized_record(std::string_view(buf_.data(), cut));
      if (bad != std::string_view::npos) fail_oversized(buf_offset_ + bad);
      *block = std::string_view(buf_.data(), cut);
      *offset = buf_offset_;
      consumed_ = cut;
      return true;
    }
    if (at_end) return false;
    // Memory stays bounded: a buffer past the limit with no record end in it
    // is an oversized record.
    if (buf_.size() > max_record_ && last_record_end(buf_) == 0) fail_oversized(buf_offset_);
    size_t want = static_cast<size_t>(std::min<uint64_t>(chunk_, end_ - pos_));
    size_t old = buf_.size();
    buf_.resize(old + want);
    size_t got = read_at(f_, path_, pos_, buf_.data() + old, want);
    buf_.resize(old + got);
    if (hash_) hash_->update(buf_.data() + old, got);
    if (got == 0) throw UserError(path_ + ": file shrank while reading (at byte " + std::to_string(pos_) + ")");
    pos_ += got;
  }
}

}  // namespace parlance
