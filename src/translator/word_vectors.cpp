#include "translator/word_vectors.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#ifdef PARLANCE_HAVE_FASTTEXT
#include <fasttext/fasttext.h>
#endif

#include "util/error.h"

namespace parlance {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> split_spaces(const std::string& line) {
  std::vector<std::string> f;
  std::istringstream in(line);
  for (std::string w; in >> w;) f.push_back(w);
  return f;
}

// "count dim" → dim; otherwise 0 (a GloVe file's first line is a vector).
int64_t header_dim(const std::string& line) {
  const auto f = split_spaces(line);
  if (f.size() != 2) return 0;
  try {
    size_t a = 0, b = 0;
    std::stoll(f[0], &a);
    const int64_t d = std::stoll(f[1], &b);
    return a == f[0].size() && b == f[1].size() && d > 0 ? d : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

WordVectors read_text_vectors(const std::string& path, const std::set<std::string>& wanted) {
  std::ifstream in(path);
  if (!in) throw UserError(path + ": cannot open word vectors");
  WordVectors v;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineno == 1 && (v.dim = header_dim(line)) > 0) continue;
    if (line.find_first_not_of(' ') == std::string::npos) continue;
    // The word is everything before the last `dim` fields (fastText words never hold spaces, but be safe).
    const auto f = split_spaces(line);
    if (v.dim == 0) v.dim = static_cast<int64_t>(f.size()) - 1;
    if (static_cast<int64_t>(f.size()) != v.dim + 1)
      throw UserError(path + ":" + std::to_string(lineno) + ": expected a word and " + std::to_string(v.dim) +
                      " numbers, found " + std::to_string(f.size()) + " fields");
    if (!wanted.count(f[0])) continue;
    std::vector<float> row(static_cast<size_t>(v.dim));
    for (int64_t i = 0; i < v.dim; ++i) {
      const std::string& s = f[static_cast<size_t>(i + 1)];
      char* end = nullptr;
      row[static_cast<size_t>(i)] = std::strtof(s.c_str(), &end);
      if (end != s.c_str() + s.size() || !std::isfinite(row[static_cast<size_t>(i)]))
        throw UserError(path + ":" + std::to_string(lineno) + ": '" + s + "' is not a finite number (component " +
                        std::to_string(i + 1) + " of '" + f[0] + "')");
    }
    v.rows.emplace(f[0], std::move(row));
  }
  if (v.dim <= 0) throw UserError(path + ": no word vectors in it");
  return v;
}

WordVectors read_bin_vectors(const std::string& path, const std::set<std::string>& wanted) {
#ifdef PARLANCE_HAVE_FASTTEXT
  if (!std::ifstream(path)) throw UserError(path + ": cannot open word vectors");
  fasttext::FastText ft;
  try {
    ft.loadModel(path);
  } catch (const std::exception& e) {
    throw UserError(path + ": not a fastText .bin model (" + e.what() + ")");
  }
  WordVectors v;
  v.dim = ft.getDimension();
  fasttext::Vector vec(v.dim);
  for (const auto& w : wanted) {
    ft.getWordVector(vec, w);
    std::vector<float> row(vec.data(), vec.data() + vec.size());
    bool zero = true;
    for (float x : row) zero = zero && x == 0.0f;
    if (ft.getWordId(w) >= 0) v.rows.emplace(w, std::move(row));
    else if (!zero) v.from_subwords.emplace(w, std::move(row));  // no n-gram of it known: a zero vector
  }
  return v;
#else
  (void)wanted;
  throw UserError(path + ": this build has no fastText support (install libfasttext-dev and rebuild), or use the "
                  "model's .vec text file");
#endif
}

}  // namespace

WordVectors read_word_vectors(const std::string& path, const std::vector<std::string>& wanted) {
  const std::set<std::string> want(wanted.begin(), wanted.end());
  return ends_with(path, ".bin") ? read_bin_vectors(path, want) : read_text_vectors(path, want);
}

int64_t word_vector_dim(const std::string& path) {
  if (ends_with(path, ".bin")) return read_bin_vectors(path, {}).dim;
  std::ifstream in(path);
  if (!in) throw UserError(path + ": cannot open word vectors");
  std::string line;
  if (!std::getline(in, line)) throw UserError(path + ": empty word-vector file");
  if (const int64_t d = header_dim(line)) return d;
  return static_cast<int64_t>(split_spaces(line).size()) - 1;
}

std::string VectorInitReport::summary(const std::string& what) const {
  std::string s = what + ": " + std::to_string(found) + " words from the vectors";
  if (from_subwords) s += ", " + std::to_string(from_subwords) + " from subwords";
  s += ", " + std::to_string(missing) + " without (random init)";
  if (!some_missing.empty()) {
    s += ", e.g.";
    for (const auto& w : some_missing) s += " " + w;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "; vectors scaled by %.3g to std 1", scale);
  return s + buf;
}

VectorInitReport init_from_vectors(torch::Tensor weight, const std::vector<std::string>& itos, const WordVectors& v,
                                   int64_t pad_idx) {
  if (weight.size(1) != v.dim)
    throw UserError("word vectors have " + std::to_string(v.dim) + " dimensions but the embedding has " +
                    std::to_string(weight.size(1)));
  VectorInitReport r;
  std::vector<int64_t> ids;
  std::vector<float> values;
  for (size_t i = 0; i < itos.size(); ++i) {
    const std::string& w = itos[i];
    if (static_cast<int64_t>(i) == pad_idx || w.rfind("xx", 0) == 0) continue;  // specials keep their init
    const std::vector<float>* row = nullptr;
    if (auto it = v.rows.find(w); it != v.rows.end()) row = &it->second, ++r.found;
    else if (auto jt = v.from_subwords.find(w); jt != v.from_subwords.end()) row = &jt->second, ++r.from_subwords;
    if (!row) {
      ++r.missing;
      if (r.some_missing.size() < 5) r.some_missing.push_back(w);
      continue;
    }
    ids.push_back(static_cast<int64_t>(i));
    values.insert(values.end(), row->begin(), row->end());
  }
  if (ids.empty()) return r;
  torch::Tensor rows = torch::from_blob(values.data(), {static_cast<int64_t>(ids.size()), v.dim}, torch::kFloat32).clone();
  const double sd = rows.numel() > 1 ? rows.std().item<double>() : 0.0;
  r.scale = sd > 0 ? 1.0 / sd : 1.0;
  torch::NoGradGuard no_grad;
  weight.index_copy_(0, torch::tensor(ids, torch::kInt64), (rows * r.scale).to(weight.dtype()));
  return r;
}

}  // namespace parlance
