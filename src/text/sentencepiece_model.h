#pragma once
// Training a SentencePiece (unigram or BPE) model with libsentencepiece on
// texts that have been through fastai's pre-rules, with fastai's special
// tokens as user-defined symbols so "xxbos", "xxmaj"... stay single pieces.
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

struct SentencePieceSpec {
  int64_t vocab_size = 30000;
  std::string model_type = "unigram";
  int threads = 1;
};

// Returns the serialized model proto. Throws UserError if training fails
// (for instance a vocab_size larger than the sample can support).
std::string train_sentencepiece(const std::vector<std::string>& texts, const SentencePieceSpec& spec);

}  // namespace parlance
