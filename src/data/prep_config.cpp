#include "data/prep_config.h"

#include <filesystem>

#include "util/error.h"
#include "util/recipe_keys.h"

namespace parlance {
namespace {

using recipe::choice;
using recipe::key;
using P = PrepConfig;

const recipe::Names<TokenizerKind> kTokenizers = {{"fastai", TokenizerKind::Fastai},
                                                  {"pretokenized", TokenizerKind::Pretokenized},
                                                  {"char", TokenizerKind::Char},
                                                  {"sentencepiece", TokenizerKind::SentencePiece}};
const recipe::Names<Lang> kLangs = {{"en", Lang::En}, {"fr", Lang::Fr}};

// Every [prep] key, once. Defaults: the members' initializers in prep_config.h,
// except the few derived in prep_config_from (name, doc_split, tgt_tokenizer).
const std::vector<recipe::Key<P>>& prep_keys() {
  static const std::vector<recipe::Key<P>> keys = {
      key("prep.name", &P::name, "dataset name (default: config file stem)"),
      choice("prep.format", &P::format, "input layout",
             {{"text", InputFormat::Text}, {"wikitext", InputFormat::WikiText}, {"folder", InputFormat::Folder},
              {"csv", InputFormat::Csv}, {"parallel_tsv", InputFormat::ParallelTsv},
              {"parallel_files", InputFormat::ParallelFiles}}),
      key("prep.input", &P::input, "input file or folder"),
      key("prep.input_tgt", &P::input_tgt, "target-language file (parallel_files)"),
      choice("prep.doc_split", &P::doc_split, "one document per: heading (WikiText article), line, or file",
             {{"heading", DocSplit::Heading}, {"line", DocSplit::Line}, {"file", DocSplit::File}}),
      choice("prep.tokenizer", &P::tok, &TokenizerOptions::kind, "tokenization scheme", kTokenizers),
      choice("prep.tgt_tokenizer", &P::tok_tgt, &TokenizerOptions::kind, "target-side scheme (parallel; default: prep.tokenizer)",
             kTokenizers),
      choice("prep.lang", &P::tok, &TokenizerOptions::lang, "language rules (source side)", kLangs),
      choice("prep.tgt_lang", &P::tok_tgt, &TokenizerOptions::lang, "language rules of the target side", kLangs),
      key("prep.add_bos", &P::tok, &TokenizerOptions::add_bos, "xxbos at the start of each document"),
      key("prep.add_eos", &P::tok, &TokenizerOptions::add_eos, "xxeos at the end of each document"),
      key("prep.mark_fields", &P::tok, &TokenizerOptions::mark_fields, "xxfld N before each text field"),
      key("prep.eol_token", &P::tok, &TokenizerOptions::eol_token, "pretokenized: token per end of line (\"\" = none)"),
      key("prep.max_vocab", &P::max_vocab, "vocabulary cap, specials included", {1, 1e9}),
      key("prep.min_freq", &P::min_freq, "minimum count to enter the vocabulary", {1, 1e12}),
      key("prep.vocab_multiple", &P::vocab_multiple, "pad the vocabulary to a multiple of this (1 = no padding)", {1, 1024}),
      key("prep.vocab_from", &P::vocab_from, "reuse the vocabulary of this prepared .h5 file"),
      key("prep.vocab_splits", &P::vocab_splits,
          "count the vocabulary over: train = every split but valid and test (fastai), all = every split (awd-lstm-lm)",
          {}, {"train", "all"}),
      key("prep.valid_pct", &P::valid_pct, "random validation share when the input has no split", {0, 1}),
      key("prep.seed", &P::seed, "seed of the random split", {0, 9.2e18}),
      key("prep.chunk_mb", &P::chunk_mb, "bytes read per chunk per rank", {1, 4096}),
      key("prep.max_record_mb", &P::max_record_mb, "longest accepted record (line, document)", {1, 4096}),
      key("prep.threads", &P::threads, "tokenizer threads per rank", {1, 256}),
      key("prep.csv_header", &P::csv_header, "the CSV's first record is a header"),
      key("prep.label_col", &P::label_col, "CSV label column (-1: none)", {-1, 1e6}),
      key("prep.text_cols", &P::text_cols, "CSV text columns"),
      key("prep.valid_col", &P::valid_col, "CSV header name of the is_valid column"),
      key("prep.classes", &P::classes, "the class list (default: every label seen, sorted)"),
      key("prep.src_filter", &P::src_filter, "parallel: keep pairs whose source matches; the match replaces the text"),
      key("prep.tgt_filter", &P::tgt_filter, "parallel: same for the target"),
      key("prep.length_percentile", &P::length_percentile, "parallel: truncate to this length percentile (0 = off)", {0, 100}),
      key("prep.tgt_length_percentile", &P::tgt_length_percentile, "parallel: the target side's percentile (-1: prep.length_percentile)", {-1, 100}),
      key("prep.sp_vocab_size", &P::sp_vocab_size, "SentencePiece pieces", {16, 1e7}),
      key("prep.sp_model_type", &P::sp_model_type, "SentencePiece model", {}, {"unigram", "bpe"}),
      key("prep.sp_sample_mb", &P::sp_sample_mb, "text SentencePiece trains on (first MB of the corpus)", {1, 1e6}),
      key("prep.out", &P::out, "output .h5 path (default shards/NAME.h5)"),
  };
  return keys;
}

}  // namespace

const std::vector<KeySpec>& prep_schema() {
  static const std::vector<KeySpec> schema = recipe::schema_of(prep_keys());
  return schema;
}

PrepConfig prep_config_from(const Config& cfg, const std::string& out_override) {
  PrepConfig p;
  recipe::read_all(prep_keys(), cfg, p);
  const std::string where = cfg.origin();
  if (p.name.empty()) p.name = std::filesystem::path(where).stem().string();
  if (p.input.empty()) throw UserError(where + ": prep.input is required (a file or folder to prepare)");
  if (p.format == InputFormat::ParallelFiles && p.input_tgt.empty())
    throw UserError(where + ": prep.format = \"parallel_files\" needs prep.input_tgt");
  if (!cfg.has("prep.doc_split") && p.format == InputFormat::WikiText) p.doc_split = DocSplit::Heading;
  // The target side shares every option of the source side but its scheme and language.
  TokenizerOptions tgt = p.tok;
  tgt.kind = cfg.has("prep.tgt_tokenizer") ? p.tok_tgt.kind : p.tok.kind;
  tgt.lang = p.tok_tgt.lang;
  p.tok_tgt = tgt;
  p.chunk_bytes = p.chunk_mb << 20;
  p.max_record_bytes = p.max_record_mb << 20;
  if (p.text_cols.empty()) throw UserError(where + ": prep.text_cols must name at least one column");
  for (auto c : p.text_cols)
    if (c < 0) throw UserError(where + ": prep.text_cols has a negative column " + std::to_string(c));
  if (!out_override.empty()) p.out = out_override;
  if (p.out.empty()) p.out = "shards/" + p.name + ".h5";
  p.resolved_toml = cfg.to_toml();
  return p;
}

}  // namespace parlance
