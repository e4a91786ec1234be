// prerules_dump FILE: prints fastai's pre-rules applied to "xxbos " + each
// WikiText article of FILE, one JSON string per line (ASCII-escaped like
// Python's json.dumps), for a byte-for-byte comparison with
// bench/fastai_rules_ref.py.
// prerules_dump --rule NAME: reads JSON strings, one per line, from stdin and
// prints NAME (a pre-rule, or pre_rules for all five) applied to each, as
// `fastai_rules_ref.py rule NAME` does.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <nlohmann/json.hpp>

#include "data/doc_parser.h"
#include "data/record_scan.h"
#include "text/fastai_rules.h"

namespace {
int apply_rule(const std::string& name) {
  using namespace parlance;
  std::string (*rule)(std::string_view) = nullptr;
  if (name == "fix_html") rule = fix_html;
  if (name == "replace_rep") rule = replace_rep;
  if (name == "replace_wrep") rule = replace_wrep;
  if (name == "spec_add_spaces") rule = spec_add_spaces;
  if (name == "rm_useless_spaces") rule = rm_useless_spaces;
  if (name == "pre_rules") rule = apply_pre_rules;
  if (!rule) return 2;
  for (std::string line; std::getline(std::cin, line);)
    std::puts(nlohmann::json(rule(nlohmann::json::parse(line).get<std::string>())).dump(-1, ' ', true).c_str());
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace parlance;
  if (argc == 3 && std::string(argv[1]) == "--rule") return apply_rule(argv[2]);
  if (argc != 2) return 2;
  PrepConfig cfg;
  cfg.format = InputFormat::WikiText;
  cfg.doc_split = DocSplit::Heading;
  Corpus corpus;
  corpus.record = RecordKind::Heading;
  corpus.sources.push_back({argv[1], std::filesystem::file_size(argv[1]), 0, 0, ""});
  corpus.splits = {"train"};
  DocParser parser(cfg, corpus);
  ChunkReader reader(argv[1], 0, corpus.sources[0].size, RecordKind::Heading, 1 << 20, 1 << 26);
  std::string_view block;
  uint64_t off;
  while (reader.next(&block, &off)) {
    TextArena arena;
    std::vector<Document> docs;
    parser.parse(corpus.sources[0], block, off, docs, arena);
    for (const auto& d : docs) {
      std::string text = "xxbos " + std::string(d.fields[0]);
      std::puts(nlohmann::json(apply_pre_rules(text)).dump(-1, ' ', true).c_str());
    }
  }
  return 0;
}
