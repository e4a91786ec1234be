#pragma once
// Raw text to tokens and ids the way prep tokenized a model's training data:
// the tokenizer options (and SentencePiece model) of the dataset card's
// stream, and its vocabulary, unknown tokens mapping to xxunk. Used where text
// arrives after training: generate's prompt, predict's documents.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/dataset_card.h"

namespace parlance {

class TextTokenizer;

class TextEncoder {
 public:
  // `complete_documents`: false for a prompt to continue (no xxeos appended
  // even where prep appended one).
  TextEncoder(const StreamCard& card, bool complete_documents);
  ~TextEncoder();

  std::vector<std::string> tokens(const std::string& text) const;
  std::vector<int64_t> ids(const std::vector<std::string>& tokens) const;
  std::vector<int64_t> ids(const std::string& text) const { return ids(tokens(text)); }
  int64_t unknown_count(const std::vector<std::string>& tokens) const;

 private:
  std::unique_ptr<TextTokenizer> tokenizer_;
  std::unordered_map<std::string, int64_t> stoi_;
  int64_t unk_ = 0;
};

}  // namespace parlance
