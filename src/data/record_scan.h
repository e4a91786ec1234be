#pragma once
// Record boundaries inside one input file, and a reader that streams a byte
// range of it in bounded chunks that always end on a record boundary.
//   Line     a record ends after "\n"
//   Csv      after a "\n" outside double quotes (RFC 4180: quoted fields may
//            hold newlines, so the quote state is tracked from the file start)
//   Heading  a record starts at a WikiText level-1 heading line " = Title = "
//   File     the whole file is one record
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "data/corpus.h"
#include "data/input_hash.h"

namespace parlance {

class FolderFiles;

// True for a WikiText level-1 heading line (without its "\n"): " = Title = ".
bool is_level1_heading(std::string_view line);

// Offset just past the CSV header record (0 when there is no header).
uint64_t csv_data_begin(const std::string& path, bool has_header, uint64_t max_record);

// First record start at or after `off` in `path`, or `size` when none. `data_begin`
// is where records may start at all (after a CSV header).
uint64_t next_record_start(const std::string& path, uint64_t size, RecordKind kind, uint64_t off,
                           uint64_t data_begin);

// Streams [begin, end) of a file (begin on a record boundary) as blocks of
// whole records of about `chunk` bytes. Memory stays at O(chunk + longest record).
class ChunkReader {
 public:
  // `folders`, when given, opens the file (see util/folder_files.h).
  ChunkReader(const std::string& path, uint64_t begin, uint64_t end, RecordKind kind, uint64_t chunk,
              uint64_t max_record, FolderFiles* folders = nullptr);
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;
  // Next block; false when the range is exhausted. *offset receives the file
  // offset of the block's first byte. The view is valid until the next call.
  bool next(std::string_view* block, uint64_t* offset);
  // Feeds every byte read from here on to `hash` (which must outlive the reads).
  void hash_into(Xxh64Stream* hash) { hash_ = hash; }

 private:
  size_t last_record_end(std::string_view buf) const;
  // Offset in `block` (whole records) of the first record longer than
  // max_record_ bytes, or npos.
  size_t oversized_record(std::string_view block) const;
  [[noreturn]] void fail_oversized(uint64_t record_offset) const;
  std::string path_;
  int f_ = -1;
  Xxh64Stream* hash_ = nullptr;
  uint64_t pos_, end_;  // next byte to read
  RecordKind kind_;
  uint64_t chunk_, max_record_;
  std::string buf_;
  uint64_t buf_offset_;  // file offset of buf_[0]
  size_t consumed_ = 0;  // bytes of buf_ handed out by the last next()
};

// 1-based line number of byte `off` in `path` (for error messages).
uint64_t line_number_at(const std::string& path, uint64_t off);
// Byte offset where 0-based line `line` starts (the file size if it has fewer lines).
uint64_t offset_of_line(const std::string& path, uint64_t line);

}  // namespace parlance
