#include "data/document_reader.h"

#include "data/corpus.h"
#include "data/doc_parser.h"
#include "data/prep_config.h"
#include "data/record_scan.h"

namespace parlance {

std::vector<std::string> read_document_texts(const std::string& path, int64_t csv_column, bool csv_header) {
  PrepConfig cfg;
  cfg.input = path;
  cfg.format = csv_column >= 0 ? InputFormat::Csv : InputFormat::Text;
  cfg.doc_split = DocSplit::Line;
  cfg.csv_header = csv_header;
  cfg.label_col = -1;
  cfg.text_cols = {csv_column};
  cfg.valid_col.clear();
  const Corpus corpus = discover_corpus(cfg);
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
      for (const Document& d : docs) texts.emplace_back(d.fields.at(0));
    }
  }
  return texts;
}

}  // namespace parlance
