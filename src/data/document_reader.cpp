#include "data/document_reader.h"

#include "data/corpus.h"
#include "data/doc_parser.h"
#include "data/prep_config.h"
#include "data/record_scan.h"
#include "util/error.h"

namespace parlance {

namespace {

// The '\n's in file bytes [from, to), which `block` (at file offset `at`) holds.
size_t newlines_in(std::string_view block, uint64_t at, uint64_t from, uint64_t to) {
  size_t n = 0;
  for (uint64_t p = from; p < to; ++p) n += block[p - at] == '\n';
  return n;
}

}  // namespace

std::vector<std::string> read_document_texts(const std::string& path, int64_t csv_column, bool csv_header) {
  PrepConfig cfg;
  cfg.input = path;
  cfg.format = csv_column >= 0 ? InputFormat::Csv : InputFormat::Text;
  cfg.doc_split = DocSplit::Line;
  cfg.csv_header = csv_header;
  cfg.label_col = -1;
  cfg.text_cols = {csv_column};
  cfg.valid_col.clear();
  const bool lines = cfg.format == InputFormat::Text;
  const Corpus corpus = discover_corpus(cfg);
  if (!lines) {  // checked here so the message names the column as the caller asked for it, not prep's key
    PrepConfig header_only = cfg;
    header_only.text_cols.clear();  // read_csv_header checks the columns it is given
    const size_t columns = read_csv_header(corpus.sources.at(0).path, header_only).columns;
    if (static_cast<uint64_t>(csv_column) >= columns)
      throw UserError(path + ": column " + std::to_string(csv_column) + " (0-based) asked for, but the first record has " +
                      std::to_string(columns) + (columns == 1 ? " column" : " columns"));
  }
  DocParser parser(cfg, corpus);
  std::vector<std::string> texts;
  for (const Source& src : corpus.sources) {
    const uint64_t begin = cfg.format == InputFormat::Csv
                               ? csv_data_begin(src.path, csv_header, static_cast<uint64_t>(cfg.max_record_bytes))
                               : 0;
    ChunkReader reader(src.path, begin, src.size, corpus.record, static_cast<uint64_t>(cfg.chunk_bytes),
                       static_cast<uint64_t>(cfg.max_record_bytes));
    std::string_view block;
    uint64_t offset = 0;
    while (reader.next(&block, &offset)) {
      std::vector<Document> docs;
      TextArena arena;
      parser.parse(src, block, offset, docs, arena);
      // Lines: prep's parser skips the empty ones (no empty documents in a
      // dataset), but the commands answer line for line, so they come back
      // here in place. Blocks end at line ends, so no line spans two.
      uint64_t next_line = offset;  // where the line after the last document starts
      for (const Document& d : docs) {
        if (lines) {
          texts.resize(texts.size() + newlines_in(block, offset, next_line, d.offset));
          const size_t nl = block.find('\n', d.offset - offset);
          next_line = nl == std::string_view::npos ? offset + block.size() : offset + nl + 1;
        }
        texts.emplace_back(d.fields.at(0));
      }
      if (lines) texts.resize(texts.size() + newlines_in(block, offset, next_line, offset + block.size()));
    }
  }
  return texts;
}

}  // namespace parlance
