#include "classifier/labelled_docs.h"

#include <algorithm>

#include "data/prepared_dataset.h"
#include "util/error.h"

namespace parlance {

LabelledDocs LabelledDocs::load(const PreparedDataset& data, const std::string& split, bool backwards) {
  if (!data.labelled())
    throw UserError(data.path() + ": has no labels (prepare it from aclImdb folders, a CSV label column or class "
                    "folders to train a classifier)");
  const std::vector<int64_t> offsets = data.doc_offsets(split);
  const std::vector<int32_t> labels = data.labels(split);
  if (labels.size() + 1 != offsets.size())
    throw UserError(data.path() + ": split " + split + " has " + std::to_string(labels.size()) + " labels for " +
                    std::to_string(offsets.size() - 1) + " documents");
  const std::vector<int32_t> all = data.tokens(split, 0, data.n_tokens(split));
  const auto n_classes = static_cast<int32_t>(data.classes().size());
  LabelledDocs d;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;  // unlabelled (language-model text)
    if (labels[i] >= n_classes)
      throw UserError(data.path() + ": split " + split + ", document " + std::to_string(i) + " has label " +
                      std::to_string(labels[i]) + " but there are " + std::to_string(n_classes) + " classes");
    auto first = all.begin() + offsets[i], last = all.begin() + offsets[i + 1];
    const size_t at = d.tokens_.size();
    d.tokens_.insert(d.tokens_.end(), first, last);
    if (backwards) std::reverse(d.tokens_.begin() + static_cast<std::ptrdiff_t>(at), d.tokens_.end());
    d.offsets_.push_back(static_cast<int64_t>(d.tokens_.size()));
    d.lengths_.push_back(offsets[i + 1] - offsets[i]);
    d.labels_.push_back(labels[i]);
  }
  if (d.labels_.empty()) throw UserError(data.path() + ": split " + split + " has no labelled documents");
  return d;
}

LabelledDocs LabelledDocs::from_docs(const std::vector<std::vector<int64_t>>& docs, const std::vector<int32_t>& labels,
                                     bool backwards) {
  if (!labels.empty() && labels.size() != docs.size())
    throw std::logic_error("LabelledDocs::from_docs: one label per document");
  LabelledDocs d;
  for (size_t k = 0; k < docs.size(); ++k) {
    const auto& doc = docs[k];
    const size_t at = d.tokens_.size();
    for (int64_t t : doc) d.tokens_.push_back(static_cast<int32_t>(t));
    if (backwards) std::reverse(d.tokens_.begin() + static_cast<std::ptrdiff_t>(at), d.tokens_.end());
    d.offsets_.push_back(static_cast<int64_t>(d.tokens_.size()));
    d.lengths_.push_back(static_cast<int64_t>(doc.size()));
    d.labels_.push_back(labels.empty() ? -1 : labels[k]);
  }
  return d;
}

int64_t LabelledDocs::longest(const std::vector<int64_t>& docs) const {
  int64_t n = 0;
  for (int64_t i : docs) n = std::max(n, lengths_[static_cast<size_t>(i)]);
  return n;
}

DocBatch LabelledDocs::batch(const std::vector<int64_t>& docs, int64_t pad_idx, int64_t min_len) const {
  const int64_t longest = std::max<int64_t>({this->longest(docs), min_len, 1});
  const auto n = static_cast<int64_t>(docs.size());
  torch::Tensor tokens = torch::full({longest, n}, pad_idx, torch::kInt64);
  torch::Tensor labels = torch::empty({n}, torch::kInt64);
  auto t = tokens.accessor<int64_t, 2>();
  auto l = labels.accessor<int64_t, 1>();
  for (int64_t j = 0; j < n; ++j) {
    const auto i = static_cast<size_t>(docs[static_cast<size_t>(j)]);
    const int64_t len = lengths_[i], pad = longest - len;
    for (int64_t k = 0; k < len; ++k) t[pad + k][j] = tokens_[static_cast<size_t>(offsets_[i] + k)];
    l[j] = labels_[i];
  }
  return {tokens, labels};
}

}  // namespace parlance
