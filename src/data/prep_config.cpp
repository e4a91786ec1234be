#include "data/prep_config.h"

#include <filesystem>

#include "util/error.h"

namespace parlance {

const std::vector<KeySpec>& prep_schema() {
  using K = KeyType;
  static const std::vector<KeySpec> kSchema = {
      {"prep.name", K::String, "dataset name (default: config file stem)"},
      {"prep.format", K::String, "input layout", {}, {},
       {"text", "wikitext", "folder", "csv", "parallel_tsv", "parallel_files"}},
      {"prep.input", K::String, "input file or folder"},
      {"prep.input_tgt", K::String, "target-language file (parallel_files)"},
      {"prep.doc_split", K::String, "one document per: heading (WikiText article), line, or file", {}, {},
       {"heading", "line", "file"}},
      {"prep.tokenizer", K::String, "tokenization scheme", {}, {}, {"fastai", "pretokenized", "char", "sentencepiece"}},
      {"prep.tgt_tokenizer", K::String, "target-side scheme (parallel)", {}, {},
       {"fastai", "pretokenized", "char", "sentencepiece"}},
      {"prep.lang", K::String, "language rules (source side)", {}, {}, {"en", "fr"}},
      {"prep.tgt_lang", K::String, "language rules of the target side", {}, {}, {"en", "fr"}},
      {"prep.add_bos", K::Bool, "xxbos at the start of each document"},
      {"prep.add_eos", K::Bool, "xxeos at the end of each document"},
      {"prep.mark_fields", K::Bool, "xxfld N before each text field"},
      {"prep.eol_token", K::String, "pretokenized: token per end of line (\"\" = none)"},
      {"prep.max_vocab", K::Int, "vocabulary cap, specials included", 1, 1e9},
      {"prep.min_freq", K::Int, "minimum count to enter the vocabulary", 1, 1e12},
      {"prep.vocab_multiple", K::Int, "pad the vocabulary to a multiple of this (1 = no padding)", 1, 1024},
      {"prep.vocab_from", K::String, "reuse the vocabulary of this prepared .h5 file"},
      {"prep.valid_pct", K::Float, "random validation share when the input has no split", 0, 1},
      {"prep.seed", K::Int, "seed of the random split", 0, 9.2e18},
      {"prep.chunk_mb", K::Int, "bytes read per chunk per rank", 1, 4096},
      {"prep.max_record_mb", K::Int, "longest accepted record (line, document)", 1, 4096},
      {"prep.threads", K::Int, "tokenizer threads per rank", 1, 256},
      {"prep.csv_header", K::Bool, "the CSV's first record is a header"},
      {"prep.label_col", K::Int, "CSV label column (-1: none)", -1, 1e6},
      {"prep.text_cols", K::IntList, "CSV text columns"},
      {"prep.valid_col", K::String, "CSV header name of the is_valid column"},
      {"prep.classes", K::StringList, "the class list (default: every label seen, sorted)"},
      {"prep.src_filter", K::String, "parallel: keep pairs whose source matches; the match replaces the text"},
      {"prep.tgt_filter", K::String, "parallel: same for the target"},
      {"prep.length_percentile", K::Float, "parallel: truncate to this length percentile (0 = off)", 0, 100},
      {"prep.sp_vocab_size", K::Int, "SentencePiece pieces", 16, 1e7},
      {"prep.sp_model_type", K::String, "SentencePiece model", {}, {}, {"unigram", "bpe"}},
      {"prep.sp_sample_mb", K::Int, "text SentencePiece trains on (first MB of the corpus)", 1, 1e6},
      {"prep.out", K::String, "output .h5 path (default shards/NAME.h5)"},
  };
  return kSchema;
}

namespace {

InputFormat parse_format(const std::string& s) {
  if (s == "wikitext") return InputFormat::WikiText;
  if (s == "folder") return InputFormat::Folder;
  if (s == "csv") return InputFormat::Csv;
  if (s == "parallel_tsv") return InputFormat::ParallelTsv;
  if (s == "parallel_files") return InputFormat::ParallelFiles;
  return InputFormat::Text;
}

DocSplit parse_doc_split(const std::string& s) {
  if (s == "heading") return DocSplit::Heading;
  if (s == "file") return DocSplit::File;
  return DocSplit::Line;
}

}  // namespace

PrepConfig prep_config_from(const Config& cfg, const std::string& out_override) {
  PrepConfig p;
  const std::string where = cfg.origin();
  p.name = cfg.get_string("prep.name", std::filesystem::path(where).stem().string());
  p.format = parse_format(cfg.get_string("prep.format", "text"));
  p.input = cfg.get_string("prep.input", "");
  if (p.input.empty()) throw UserError(where + ": prep.input is required (a file or folder to prepare)");
  p.input_tgt = cfg.get_string("prep.input_tgt", "");
  if (p.format == InputFormat::ParallelFiles && p.input_tgt.empty())
    throw UserError(where + ": prep.format = \"parallel_files\" needs prep.input_tgt");
  std::string default_split = p.format == InputFormat::WikiText ? "heading" : "line";
  p.doc_split = parse_doc_split(cfg.get_string("prep.doc_split", default_split));

  p.tok.kind = parse_tokenizer_kind(cfg.get_string("prep.tokenizer", "fastai"));
  p.tok.lang = parse_lang(cfg.get_string("prep.lang", "en"));
  p.tok.add_bos = cfg.get_bool("prep.add_bos", true);
  p.tok.add_eos = cfg.get_bool("prep.add_eos", false);
  p.tok.mark_fields = cfg.get_bool("prep.mark_fields", false);
  p.tok.eol_token = cfg.get_string("prep.eol_token", "xxeos");
  p.tok_tgt = p.tok;
  p.tok_tgt.kind = parse_tokenizer_kind(cfg.get_string("prep.tgt_tokenizer", cfg.get_string("prep.tokenizer", "fastai")));
  p.tok_tgt.lang = parse_lang(cfg.get_string("prep.tgt_lang", "en"));

  p.max_vocab = cfg.get_int("prep.max_vocab", p.max_vocab);
  p.min_freq = cfg.get_int("prep.min_freq", p.min_freq);
  p.vocab_multiple = cfg.get_int("prep.vocab_multiple", p.vocab_multiple);
  p.vocab_from = cfg.get_string("prep.vocab_from", "");
  p.valid_pct = cfg.get_float("prep.valid_pct", p.valid_pct);
  p.seed = cfg.get_int("prep.seed", p.seed);
  p.chunk_bytes = cfg.get_int("prep.chunk_mb", 64) << 20;
  p.max_record_bytes = cfg.get_int("prep.max_record_mb", 32) << 20;
  p.threads = static_cast<int>(cfg.get_int("prep.threads", 1));
  p.csv_header = cfg.get_bool("prep.csv_header", true);
  p.label_col = cfg.get_int("prep.label_col", 0);
  p.text_cols = cfg.get_ints("prep.text_cols", {1});
  if (p.text_cols.empty()) throw UserError(where + ": prep.text_cols must name at least one column");
  for (auto c : p.text_cols)
    if (c < 0) throw UserError(where + ": prep.text_cols has a negative column " + std::to_string(c));
  p.valid_col = cfg.get_string("prep.valid_col", "is_valid");
  p.classes = cfg.get_strings("prep.classes", {});
  p.src_filter = cfg.get_string("prep.src_filter", "");
  p.tgt_filter = cfg.get_string("prep.tgt_filter", "");
  p.length_percentile = cfg.get_float("prep.length_percentile", 0);
  p.sp_vocab_size = cfg.get_int("prep.sp_vocab_size", p.sp_vocab_size);
  p.sp_model_type = cfg.get_string("prep.sp_model_type", "unigram");
  p.sp_sample_mb = cfg.get_int("prep.sp_sample_mb", p.sp_sample_mb);
  p.out = !out_override.empty() ? out_override : cfg.get_string("prep.out", "shards/" + p.name + ".h5");
  p.resolved_toml = cfg.to_toml();
  return p;
}

}  // namespace parlance
