#pragma once
// The one tokenizer every command uses. A document arrives as one or more text
// fields and leaves as a list of token strings, by one of four schemes:
//   fastai        fastai v1: join fields (xxbos, xxfld), pre-rules, spaCy-style
//                 word split (English or French), post-rules (xxup, xxmaj)
//   pretokenized  split on spaces, "<unk>" → xxunk, end of line → eol token
//   char          one token per code point (lesson 7 char-RNN)
//   sentencepiece fastai pre-rules, then a trained unigram/BPE model
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/sentencepiece_model.h"
#include "text/text_fields.h"
#include "text/token_list.h"
#include "text/word_tokenizer.h"

namespace parlance {

enum class TokenizerKind { Fastai, Pretokenized, Char, SentencePiece };

struct TokenizerOptions {
  TokenizerKind kind = TokenizerKind::Fastai;
  Lang lang = Lang::En;
  bool add_bos = true;
  bool add_eos = false;
  bool mark_fields = false;      // xxfld N before each field (fastai mark_fields)
  std::string eol_token = "xxeos";  // pretokenized: token for each end of line ("" = none)
};

TokenizerKind parse_tokenizer_kind(const std::string& name);  // throws UserError
const char* tokenizer_kind_name(TokenizerKind kind);
// The settings as stored in a prepared file's "tokenizer" attribute, and back.
std::string tokenizer_options_json(const TokenizerOptions& t);
TokenizerOptions tokenizer_options_from_json(const std::string& json);
Lang parse_lang(const std::string& name);                      // throws UserError

class TextTokenizer {
 public:
  explicit TextTokenizer(TokenizerOptions opts);
  ~TextTokenizer();
  // Required before tokenize() in SentencePiece mode: a serialized model proto.
  void load_sentencepiece(const std::string& model_proto);
  // Appends the document's tokens to `out`.
  void tokenize(const TextFields& fields, TokenList& out) const;
  const TokenizerOptions& options() const { return opts_; }

  // The fastai scheme in two halves, for callers that remember each chunk's
  // tokens (prep): tokenize() appends, for every WordPiece of
  // prepared_text(fields) in order, piece_tokens(piece). True for fastai only.
  bool tokenizes_by_piece() const { return opts_.kind == TokenizerKind::Fastai; }
  // The joined fields after the pre-rules, appended to `out`.
  void prepared_text(const TextFields& fields, std::string& out) const;
  // One piece's tokens after the post-rules, appended to `out`.
  void piece_tokens(const WordPiece& piece, TokenList& out) const;

 private:
  std::string_view join_fields(const TextFields& fields) const;  // valid until the next call
  TokenizerOptions opts_;
  WordTokenizer words_;
  std::unique_ptr<SentencePieceModel> sp_;
};

}  // namespace parlance
