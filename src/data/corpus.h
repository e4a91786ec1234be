#pragma once
// What a prep run reads: the input files in one global order, which output
// split each belongs to, and how each divides into records. Every rank builds
// the same Corpus (listing, then one open and fstat per file, no reading), so
// the byte partition that follows needs no communication. The per-file step
// may be divided among ranks (list_corpus, then set_sizes with every rank's
// share: prep does, as folders of small files hold tens of thousands).
#include <cstdint>
#include <string>
#include <vector>

#include "data/prep_config.h"
#include "util/dir_listing.h"

namespace parlance {

enum class RecordKind { File, Line, Heading, Csv };

struct Source {
  std::string path;
  uint64_t size = 0;
  uint64_t start = 0;  // offset of this file in the global byte stream
  int split = -1;      // index into Corpus::splits; -1: decided per document by the seeded random split
  std::string label;   // from the folder name ("" = none)
};

struct Corpus {
  std::vector<std::string> splits;  // output split names, in output order
  std::vector<Source> sources;      // global order: split, then path bytes
  RecordKind record = RecordKind::Line;
  uint64_t total_bytes = 0;
  bool labelled = false;           // documents carry labels (folder classes or a CSV label column)
  std::string tgt_path;            // parallel_files: the line-aligned target file
  uint64_t tgt_size = 0;
};

// Throws UserError for a missing/unreadable path or an empty corpus.
Corpus discover_corpus(const PrepConfig& cfg);

// The two steps of discover_corpus. list_corpus finds the sources in their
// global order, sizes not yet known (zero); throws UserError for a missing
// input or a wrong layout. set_sizes takes one size per source, in that order,
// fills in sizes and offsets, and throws UserError for an empty corpus, named
// by `input` (prep.input). `listings`, if given, serves folders already listed
// (and keeps the ones listed here).
Corpus list_corpus(const PrepConfig& cfg, DirListings* listings = nullptr);
void set_sizes(Corpus& c, const std::vector<uint64_t>& sizes, const std::string& input);

// The size of a file that can be opened for reading (one open, one fstat);
// UserError naming the file otherwise.
uint64_t readable_file_size(const std::string& path);

}  // namespace parlance
