#pragma once
// Turns a block of whole records (from ChunkReader) into Documents, per input
// format. Structure is parsed on the raw bytes (every delimiter is ASCII);
// text fields are then checked for NUL bytes and repaired to valid UTF-8.
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "data/document.h"
#include "data/prep_config.h"

namespace parlance {

struct CsvHeader {
  std::vector<std::string> names;  // empty when the file has no header
  int valid_col = -1;              // index of prep.valid_col, if present
  size_t columns = 0;              // expected column count (0: unknown until the first record)
};

// Reads the header record of a CSV file (every rank does this itself).
CsvHeader read_csv_header(const std::string& path, const PrepConfig& cfg);

class DocParser {
 public:
  DocParser(const PrepConfig& cfg, const Corpus& corpus);
  // Appends the documents of `block` (file `src`, starting at file offset
  // `offset`) to `docs`; `arena` keeps any rewritten text alive. Returns the
  // number of bytes replaced while repairing UTF-8.
  size_t parse(const Source& src, std::string_view block, uint64_t offset, std::vector<Document>& docs,
               TextArena& arena);
  // parallel_files: the matching target lines, read in step with the source.
  void set_target_lines(std::vector<std::string_view> lines) { tgt_lines_ = std::move(lines); }

 private:
  void parse_csv(const Source& src, std::string_view block, uint64_t offset, std::vector<Document>& docs,
                 TextArena& arena);
  void parse_heading(std::string_view block, uint64_t offset, std::vector<Document>& docs);
  void parse_lines(const Source& src, std::string_view block, uint64_t offset, std::vector<Document>& docs);
  bool apply_filters(Document& d, TextArena& arena) const;
  const PrepConfig& cfg_;
  const Corpus& corpus_;
  CsvHeader csv_;
  std::unique_ptr<std::regex> src_re_, tgt_re_;
  std::vector<std::string_view> tgt_lines_;
};

// The seeded random split: document identity (file index, byte offset) and
// seed alone decide, so every rank count splits the same way.
bool in_random_valid(uint64_t seed, size_t source_index, uint64_t offset, double valid_pct);

}  // namespace parlance
