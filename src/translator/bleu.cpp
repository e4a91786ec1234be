#include "translator/bleu.h"

#include <cmath>
#include <limits>
#include <map>
#include <regex>

namespace parlance {

void BleuStats::add(const std::vector<std::string>& hyp, const std::vector<std::string>& ref) {
  for (size_t n = 1; n <= 4; ++n) {
    std::map<std::vector<std::string>, int64_t> ref_counts;
    for (size_t i = 0; i + n <= ref.size(); ++i) ++ref_counts[{ref.begin() + i, ref.begin() + i + n}];
    std::map<std::vector<std::string>, int64_t> hyp_counts;
    for (size_t i = 0; i + n <= hyp.size(); ++i) ++hyp_counts[{hyp.begin() + i, hyp.begin() + i + n}];
    for (const auto& [gram, c] : hyp_counts) {
      const auto it = ref_counts.find(gram);
      matches[n - 1] += static_cast<double>(std::min(c, it == ref_counts.end() ? 0 : it->second));
    }
    totals[n - 1] += static_cast<double>(hyp.size() > n ? hyp.size() - n + 1 : 1);  // nltk: max(1, count)
  }
  hyp_len += static_cast<double>(hyp.size());  // one reference: it is the closest
  ref_len += static_cast<double>(ref.size());
}

double BleuStats::score() const {
  if (matches[0] == 0 || hyp_len == 0) return 0.0;
  double log_sum = 0;
  for (size_t n = 0; n < 4; ++n)  // nltk's method0: a precision of 0 counts as the smallest double
    log_sum += 0.25 * std::log(matches[n] > 0 ? matches[n] / totals[n] : std::numeric_limits<double>::min());
  const double bp = hyp_len > ref_len ? 1.0 : std::exp(1.0 - ref_len / hyp_len);
  return bp * std::exp(log_sum);
}

std::vector<double> BleuStats::as_vector() const {
  std::vector<double> v(matches.begin(), matches.end());
  v.insert(v.end(), totals.begin(), totals.end());
  v.push_back(hyp_len);
  v.push_back(ref_len);
  return v;
}

BleuStats BleuStats::from_vector(const std::vector<double>& v) {
  BleuStats s;
  for (size_t n = 0; n < 4; ++n) s.matches[n] = v[n], s.totals[n] = v[4 + n];
  s.hyp_len = v[8];
  s.ref_len = v[9];
  return s;
}

std::vector<std::string> bleu_tokenize(const std::string& text) {
  // mteval-v13a: ASCII punctuation and symbols become tokens; a period or
  // comma stays attached only between digits; a dash after a digit splits.
  static const std::regex symbols(R"(([\{-\~\[-\` -\&\(-\+\:-\@\/]))");
  static const std::regex period_comma_before(R"(([^0-9])([\.,]))");
  static const std::regex period_comma_after(R"(([\.,])([^0-9]))");
  static const std::regex dash_after_digit(R"(([0-9])(-))");
  std::string s = " " + text + " ";
  s = std::regex_replace(s, symbols, " $1 ");
  s = std::regex_replace(s, period_comma_before, "$1 $2 ");
  s = std::regex_replace(s, period_comma_after, " $1 $2");
  s = std::regex_replace(s, dash_after_digit, "$1 $2 ");
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\n') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace parlance
