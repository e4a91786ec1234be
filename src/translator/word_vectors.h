#pragma once
// Pretrained word vectors for the translator's embeddings (lesson 11 used
// fastText's wiki.en / wiki.fr). Two formats:
//  - text: fastText's .vec ("count dim" header, then "word v1 … vd" lines) or
//    GloVe's (the same lines, no header). Only the rows of the vocabulary's
//    words are kept, so a 2M-word file costs one pass and little memory.
//  - fastText .bin models, read with Debian's libfasttext: a word outside the
//    model's list still gets a vector from its character n-grams.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace parlance {

struct WordVectors {
  int64_t dim = 0;
  std::map<std::string, std::vector<float>> rows;  // the wanted words found in the list
  std::map<std::string, std::vector<float>> from_subwords;  // .bin only: wanted words built from n-grams
};

// Reads `path` (.bin: a fastText model; anything else: text vectors), keeping
// the words of `wanted`. Throws UserError naming the file and line on a
// malformed file (wrong field count, bad number, dimension mismatch).
WordVectors read_word_vectors(const std::string& path, const std::vector<std::string>& wanted);
// The dimension alone (the first line of a .vec, or the .bin's header), to size an embedding.
int64_t word_vector_dim(const std::string& path);

struct VectorInitReport {
  int64_t found = 0, from_subwords = 0, missing = 0;
  double scale = 1;
  std::vector<std::string> some_missing;  // the first few words without a vector
  std::string summary(const std::string& what) const;
};

// Sets the rows of `weight` (vocab × dim) whose word has a vector, scaled so
// the vectors' standard deviation is 1 — the N(0, 1) init of the other rows
// (the lesson multiplied by 3 for the same reason). Special tokens (xx…) and
// the padding row keep their init.
VectorInitReport init_from_vectors(torch::Tensor weight, const std::vector<std::string>& itos, const WordVectors& v,
                                   int64_t pad_idx);

}  // namespace parlance
