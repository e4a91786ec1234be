#pragma once
// A labelled split of a prepared dataset held as documents: every rank loads
// the whole split (the samplers need every length), and batches are cut from
// it by document index. Unlabelled documents (label -1, e.g. aclImdb's unsup)
// are left out. With `backwards`, each document's tokens are reversed (fastai's
// backwards=True: the classifier reads the review from its last word).
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

class PreparedDataset;

struct DocBatch {
  torch::Tensor tokens;  // (longest, n) int64, pre-padded: pads first, so row -1 is every document's last token
  torch::Tensor labels;  // (n) int64
};

class LabelledDocs {
 public:
  LabelledDocs() = default;
  // Throws UserError naming the file when the dataset has no labels or the split is absent.
  static LabelledDocs load(const PreparedDataset& data, const std::string& split, bool backwards);
  // From token ids directly (predict: documents typed or read from a file).
  // `labels`: one per document, or empty for unlabelled (-1) documents.
  static LabelledDocs from_docs(const std::vector<std::vector<int64_t>>& docs, const std::vector<int32_t>& labels,
                                bool backwards);

  int64_t size() const { return static_cast<int64_t>(labels_.size()); }
  const std::vector<int64_t>& lengths() const { return lengths_; }
  const std::vector<int32_t>& labels() const { return labels_; }
  int64_t n_tokens() const { return static_cast<int64_t>(tokens_.size()); }
  // The longest length among `docs`.
  int64_t longest(const std::vector<int64_t>& docs) const;
  // `docs` padded at the front to max(longest, min_len) positions. A rank pads
  // its slice of a global batch to the global batch's longest document, so
  // every document sees the same padding on any number of ranks.
  DocBatch batch(const std::vector<int64_t>& docs, int64_t pad_idx, int64_t min_len = 0) const;

 private:
  std::vector<int32_t> tokens_;
  std::vector<int64_t> offsets_{0}, lengths_;
  std::vector<int32_t> labels_;
};

}  // namespace parlance
