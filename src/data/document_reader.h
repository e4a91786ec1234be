#pragma once
// The documents of one text file read exactly as prep reads them (record
// scanning, RFC 4180 CSV, UTF-8 repair, NUL check), for commands that take
// text after training (predict): one document per line, or one column of a CSV.
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

// csv_column < 0: every line is a document, empty ones included (as Python's
// `for line in f` counts them: the text after the last '\n' is a line when
// not empty), so an answer per document is an answer per line. Otherwise the file is a
// CSV and column `csv_column` (0-based) of each record is one, after a header
// record when `csv_header`. Throws UserError naming the file and record.
std::vector<std::string> read_document_texts(const std::string& path, int64_t csv_column, bool csv_header);

}  // namespace parlance
