#include "data/text_encoder.h"

#include "text/fastai_rules.h"
#include "text/tokenizer.h"

namespace parlance {

TextEncoder::TextEncoder(const StreamCard& card, bool complete_documents) {
  TokenizerOptions o = tokenizer_options_from_json(card.tokenizer_json);
  if (!complete_documents) o.add_eos = false;
  tokenizer_ = std::make_unique<TextTokenizer>(o);
  if (o.kind == TokenizerKind::SentencePiece) tokenizer_->load_sentencepiece(card.sp_model);
  for (size_t i = 0; i < card.itos.size(); ++i) stoi_.emplace(card.itos[i], static_cast<int64_t>(i));
  auto unk = stoi_.find(tok::UNK);
  unk_ = unk == stoi_.end() ? 0 : unk->second;
}

TextEncoder::~TextEncoder() = default;

std::vector<std::string> TextEncoder::tokens(const std::string& text) const {
  TokenList list;
  tokenizer_->tokenize({text}, list);
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size(); ++i) out.emplace_back(list[i]);
  return out;
}

std::vector<int64_t> TextEncoder::ids(const std::vector<std::string>& tokens) const {
  std::vector<int64_t> out;
  for (const auto& t : tokens) {
    auto it = stoi_.find(t);
    out.push_back(it == stoi_.end() ? unk_ : it->second);
  }
  return out;
}

int64_t TextEncoder::unknown_count(const std::vector<std::string>& tokens) const {
  int64_t n = 0;
  for (const auto& t : tokens) n += stoi_.count(t) == 0;
  return n;
}

}  // namespace parlance
