#pragma once
// Everything `parlance prep` reads from a recipe's [prep] section.
#include <string>
#include <vector>

#include "text/tokenizer.h"
#include "util/config.h"

namespace parlance {

enum class InputFormat { Text, WikiText, Folder, Csv, ParallelTsv, ParallelFiles };
// What one record (the unit of sharding) is.
enum class DocSplit { Heading, Line, File };

struct PrepConfig {
  std::string name;
  InputFormat format = InputFormat::Text;
  std::string input, input_tgt;
  DocSplit doc_split = DocSplit::Line;
  TokenizerOptions tok;       // the one stream, or the source side of parallel data
  TokenizerOptions tok_tgt;   // target side of parallel data
  int64_t max_vocab = 60000, min_freq = 2, vocab_multiple = 8;
  std::string vocab_from;
  // Which splits' tokens are counted for the vocabulary: "train" = every
  // split but valid and test (fastai; no evaluation leak), "all" = every
  // split (awd-lstm-lm). Held-out tokens outside it become xxunk.
  std::string vocab_splits = "train";
  bool counts_for_vocab(const std::string& split) const {
    return vocab_splits == "all" || (split != "valid" && split != "test");
  }
  double valid_pct = 0.1;
  int64_t seed = 42;
  int64_t chunk_mb = 16, max_record_mb = 32;             // as the recipe gives them (16 MB chunks:
                                                         // as fast as 64, and a quarter of the parsed documents in memory)
  int64_t chunk_bytes = 16ll << 20, max_record_bytes = 32ll << 20;  // derived: MB << 20
  int threads = 1;
  // CSV
  bool csv_header = true;
  int64_t label_col = 0;
  std::vector<int64_t> text_cols{1};
  std::string valid_col = "is_valid";
  std::vector<std::string> classes;
  // Parallel data
  std::string src_filter, tgt_filter;
  double length_percentile = 0;
  double tgt_length_percentile = -1;  // -1: length_percentile
  // SentencePiece
  int64_t sp_vocab_size = 30000, sp_sample_mb = 100;
  std::string sp_model_type = "unigram";
  std::string out;
  std::string resolved_toml;  // provenance, stored in the output

  bool parallel() const { return format == InputFormat::ParallelTsv || format == InputFormat::ParallelFiles; }
};

const std::vector<KeySpec>& prep_schema();
// Reads and validates; `out_override` (from --out) wins over prep.out.
PrepConfig prep_config_from(const Config& cfg, const std::string& out_override);

}  // namespace parlance
