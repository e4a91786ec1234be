// The word tokenizer against tests/text/spacy_cases.tsv: several hundred
// cases of spaCy's English (and French) tokenization. Prints the pass rate;
// every case must pass.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "text/word_tokenizer.h"

namespace parlance {
namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 'n' ? '\n' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, '\t');) out.push_back(unescape(f));
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& t : v) s += (s.empty() ? "[" : "|") + t;
  return s + "]";
}

TEST(SpacyCases, WordTokenizerMatchesSpacyOnEveryCase) {
  std::ifstream in("tests/text/spacy_cases.tsv");
  ASSERT_TRUE(in) << "run from the repository root";
  const WordTokenizer en(Lang::En), fr(Lang::Fr);
  size_t cases = 0, passed = 0;
  std::string line;
  for (size_t no = 1; std::getline(in, line); ++no) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = fields(line);
    ASSERT_GE(f.size(), 3u) << "spacy_cases.tsv:" << no << ": expected language, input and tokens";
    std::vector<std::string_view> views;
    (f[0] == "fr" ? fr : en).tokenize(f[1], views);
    const std::vector<std::string> got(views.begin(), views.end()), want(f.begin() + 2, f.end());
    ++cases;
    if (got == want)
      ++passed;
    else
      ADD_FAILURE() << "spacy_cases.tsv:" << no << ": " << f[1] << " → " << joined(got) << ", spaCy: " << joined(want);
  }
  std::printf("spaCy cases: %zu of %zu pass (%.1f%%)\n", passed, cases, 100.0 * static_cast<double>(passed) / static_cast<double>(cases));
  EXPECT_GE(cases, 300u);
}

}  // namespace
}  // namespace parlance
