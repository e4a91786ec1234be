#pragma once
// SentencePiece (unigram or BPE) training and encoding, through a plugin
// loaded in its own symbol scope (see sentencepiece_plugin.cpp for why).
// Texts have been through fastai's pre-rules; fastai's special tokens are
// user-defined symbols so "xxbos", "xxmaj"... stay single pieces.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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

class SentencePieceModel {
 public:
  explicit SentencePieceModel(const std::string& model_proto);  // throws UserError
  ~SentencePieceModel();
  SentencePieceModel(const SentencePieceModel&) = delete;
  SentencePieceModel& operator=(const SentencePieceModel&) = delete;
  // Calls emit(piece) for each piece of `text`. Safe from several threads.
  void encode(std::string_view text, const std::function<void(std::string_view)>& emit) const;

 private:
  void* handle_ = nullptr;
};

}  // namespace parlance
