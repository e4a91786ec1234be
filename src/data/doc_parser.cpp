#include "data/doc_parser.h"

#include <cstring>
#include <fstream>
#include <utility>

#include "data/record_scan.h"
#include "text/utf8.h"
#include "util/error.h"
#include "util/splitmix64.h"

namespace parlance {
namespace {

std::string where(const std::string& path, uint64_t off) {
  return path + ": line " + std::to_string(line_number_at(path, off)) + " (byte " + std::to_string(off) + ")";
}

std::string_view chomp(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!(c == ' ' || c == '\t' || c == '\r' || c == '\n')) return false;
  return true;
}

// One CSV record (RFC 4180) starting at b[i]; fills `fields` (unescaped into
// `arena` only when needed) and returns the index just past the record.
size_t parse_csv_record(std::string_view b, size_t i, bool at_eof, std::vector<std::string_view>& fields,
                        TextArena& arena, const std::string& path, uint64_t offset) {
  fields.clear();
  while (true) {
    if (i < b.size() && b[i] == '"') {
      size_t start = i;
      std::string* unescaped = nullptr;
      size_t j = i + 1, piece = j;
      while (true) {
        size_t q = b.find('"', j);
        if (q == std::string_view::npos) {
          if (!at_eof) throw std::logic_error("CSV block ends inside quotes");
          throw UserError(where(path, offset + start) + ": unclosed quote (expected a closing \" before end of file)");
        }
        if (q + 1 < b.size() && b[q + 1] == '"') {  // "" → "
          if (!unescaped) unescaped = &arena.hold();
          unescaped->append(b.substr(piece, q + 1 - piece));
          j = piece = q + 2;
          continue;
        }
        if (unescaped) {
          unescaped->append(b.substr(piece, q - piece));
          fields.push_back(*unescaped);
        } else {
          fields.push_back(b.substr(i + 1, q - i - 1));
        }
        i = q + 1;
        break;
      }
      if (i < b.size() && b[i] == '\r') ++i;
      if (i < b.size() && b[i] != ',' && b[i] != '\n')
        throw UserError(where(path, offset + i) + ": expected , or end of line after a closing quote");
    } else {
      size_t j = i;
      while (j < b.size() && b[j] != ',' && b[j] != '\n') {
        if (b[j] == '"')
          throw UserError(where(path, offset + j) + ": stray quote inside an unquoted field (RFC 4180 quoting expected)");
        ++j;
      }
      std::string_view f = b.substr(i, j - i);
      if (!f.empty() && f.back() == '\r' && (j == b.size() || b[j] == '\n')) f.remove_suffix(1);
      fields.push_back(f);
      i = j;
    }
    if (i >= b.size()) return i;
    if (b[i] == '\n') return i + 1;
    ++i;  // ','
  }
}

}  // namespace

bool in_random_valid(uint64_t seed, size_t source_index, uint64_t offset, double valid_pct) {
  uint64_t h = mix64(mix64(seed) ^ mix64(source_index * 0x100000001B3ull) ^ offset);
  return static_cast<double>(h >> 11) * 0x1.0p-53 < valid_pct;
}

CsvHeader read_csv_header(const std::string& path, const PrepConfig& cfg) {
  CsvHeader h;
  uint64_t end = csv_data_begin(path, true, static_cast<uint64_t>(cfg.max_record_bytes));
  std::ifstream in(path, std::ios::binary);
  std::string first(end, '\0');
  in.read(first.data(), static_cast<std::streamsize>(end));
  TextArena arena;
  std::vector<std::string_view> fields;
  if (end > 0) parse_csv_record(first, 0, true, fields, arena, path, 0);
  h.columns = fields.size();
  if (cfg.csv_header) {
    for (auto f : fields) h.names.emplace_back(f);
    for (size_t c = 0; c < h.names.size(); ++c)
      if (h.names[c] == cfg.valid_col) h.valid_col = static_cast<int>(c);
  }
  auto check_col = [&](int64_t c, const char* key) {
    if (c >= static_cast<int64_t>(h.columns))
      throw UserError(path + ": " + key + " = " + std::to_string(c) + " but the first record has only " +
                      std::to_string(h.columns) + " columns");
  };
  check_col(cfg.label_col, "prep.label_col");
  for (auto c : cfg.text_cols) check_col(c, "prep.text_cols");
  return h;
}

DocParser::DocParser(const PrepConfig& cfg, const Corpus& corpus) : cfg_(cfg), corpus_(corpus) {
  if (cfg.format == InputFormat::Csv) csv_ = read_csv_header(corpus.sources.at(0).path, cfg);
  auto compile = [&](const std::string& pattern, const char* key) -> std::unique_ptr<std::regex> {
    if (pattern.empty()) return nullptr;
    try {
      return std::make_unique<std::regex>(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw UserError(std::string(key) + " = \"" + pattern + "\" is not a valid regular expression: " + e.what());
    }
  };
  src_re_ = compile(cfg.src_filter, "prep.src_filter");
  tgt_re_ = compile(cfg.tgt_filter, "prep.tgt_filter");
}

size_t DocParser::parse(const Source& src, std::string_view block, uint64_t offset, std::vector<Document>& docs,
                        TextArena& arena) {
  if (const void* nul = std::memchr(block.data(), '\0', block.size()))
    throw UserError(where(src.path, offset + (static_cast<const char*>(nul) - block.data())) +
                    ": NUL byte (expected UTF-8 text; is this a binary file?)");
  size_t first = docs.size();
  switch (corpus_.record) {
    case RecordKind::Csv: parse_csv(src, block, offset, docs, arena); break;
    case RecordKind::Heading: parse_heading(block, offset, docs); break;
    case RecordKind::Line: parse_lines(src, block, offset, docs); break;
    case RecordKind::File: {
      Document d;
      d.fields.push_back(block);
      d.offset = offset;
      docs.push_back(std::move(d));
      break;
    }
  }
  size_t source_index = static_cast<size_t>(&src - corpus_.sources.data());
  size_t repaired = 0;
  size_t keep = first;
  for (size_t i = first; i < docs.size(); ++i) {
    Document& d = docs[i];  // completed in place; kept ones move down over dropped ones
    if (d.label.empty() && !src.label.empty()) d.label = src.label;
    if (d.split < 0) d.split = src.split;
    if (d.split < 0) d.split = in_random_valid(static_cast<uint64_t>(cfg_.seed), source_index, d.offset, cfg_.valid_pct);
    for (auto* side : {&d.fields, &d.tgt_fields}) {
      for (auto& f : *side) {
        if (utf8::is_valid(f)) continue;
        std::string& fixed = arena.hold();
        repaired += utf8::repair(f, fixed);
        f = fixed;
      }
    }
    if (!apply_filters(d, arena)) continue;
    if (keep != i) docs[keep] = std::move(d);
    ++keep;
  }
  docs.resize(keep);
  return repaired;
}

void DocParser::parse_csv(const Source& src, std::string_view b, uint64_t offset, std::vector<Document>& docs,
                          TextArena& arena) {
  const bool at_eof = offset + b.size() >= src.size;
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < b.size();) {
    size_t start = i;
    i = parse_csv_record(b, i, at_eof, fields, arena, src.path, offset);
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != csv_.columns)
      throw UserError(where(src.path, offset + start) + ": expected " + std::to_string(csv_.columns) +
                      " columns, found " + std::to_string(fields.size()));
    Document d;
    d.offset = offset + start;
    for (auto c : cfg_.text_cols) d.fields.push_back(fields[static_cast<size_t>(c)]);
    if (cfg_.label_col >= 0) {
      d.label = fields[static_cast<size_t>(cfg_.label_col)];
      if (d.label.empty())
        throw UserError(where(src.path, d.offset) + ": empty label in column " + std::to_string(cfg_.label_col));
    }
    if (csv_.valid_col >= 0) {
      std::string_view v = fields[static_cast<size_t>(csv_.valid_col)];
      if (v == "True" || v == "true" || v == "1")
        d.split = 1;
      else if (v == "False" || v == "false" || v == "0")
        d.split = 0;
      else
        throw UserError(where(src.path, d.offset) + ": " + cfg_.valid_col + " = \"" + std::string(v) +
                        "\" (expected True/False/1/0)");
    }
    docs.push_back(std::move(d));
  }
}

void DocParser::parse_heading(std::string_view b, uint64_t offset, std::vector<Document>& docs) {
  // Documents start at level-1 headings. Blank text before the first heading
  // of a file (WikiText starts with " \n") joins the first article.
  size_t doc_start = 0;
  bool only_blank = true;
  for (size_t i = 0; i < b.size();) {
    size_t nl = b.find('\n', i);
    size_t end = nl == std::string_view::npos ? b.size() : nl + 1;
    std::string_view line = chomp(b.substr(i, end - i));
    if (i > doc_start && is_level1_heading(line) && !only_blank) {
      Document d;
      d.fields.push_back(b.substr(doc_start, i - doc_start));
      d.offset = offset + doc_start;
      docs.push_back(std::move(d));
      doc_start = i;
    }
    only_blank = only_blank && is_blank(line);
    if (is_level1_heading(line)) only_blank = false;
    i = end;
  }
  if (doc_start < b.size() && !is_blank(b.substr(doc_start))) {
    Document d;
    d.fields.push_back(b.substr(doc_start));
    d.offset = offset + doc_start;
    docs.push_back(std::move(d));
  }
}

void DocParser::parse_lines(const Source& src, std::string_view b, uint64_t offset, std::vector<Document>& docs) {
  const bool tsv = cfg_.format == InputFormat::ParallelTsv, two_files = cfg_.format == InputFormat::ParallelFiles;
  size_t line_index = 0;
  for (size_t i = 0; i < b.size();) {
    size_t nl = b.find('\n', i);
    size_t end = nl == std::string_view::npos ? b.size() : nl + 1;
    std::string_view line = chomp(b.substr(i, end - i));
    Document d;
    d.offset = offset + i;
    d.ends_line = true;
    if (tsv) {
      size_t tab = line.find('\t');
      if (line.empty()) {
        i = end;
        continue;
      }
      if (tab == std::string_view::npos)
        throw UserError(where(src.path, d.offset) + ": expected SOURCE<TAB>TARGET");
      size_t tab2 = line.find('\t', tab + 1);
      d.fields.push_back(line.substr(0, tab));
      d.tgt_fields.push_back(line.substr(tab + 1, tab2 == std::string_view::npos ? std::string_view::npos : tab2 - tab - 1));
    } else if (two_files) {
      d.fields.push_back(line);
      d.tgt_fields.push_back(chomp(tgt_lines_.at(line_index++)));
    } else {
      if (line.empty()) {
        i = end;
        continue;
      }
      d.fields.push_back(line);
    }
    docs.push_back(std::move(d));
    i = end;
  }
}

bool DocParser::apply_filters(Document& d, TextArena& arena) const {
  // The lesson's question filter: keep a pair only if both sides match, and
  // keep only the matched text (group 1 when the pattern has one).
  auto filter = [&](const std::regex* re, TextFields& side) {
    if (!re || side.empty()) return true;
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(side[0].begin(), side[0].end(), m, *re)) return false;
    const auto& g = m.size() > 1 && m[1].matched ? m[1] : m[0];
    side[0] = arena.hold(g.first, g.second);
    return true;
  };
  return filter(src_re_.get(), d.fields) && filter(tgt_re_.get(), d.tgt_fields);
}

}  // namespace parlance
