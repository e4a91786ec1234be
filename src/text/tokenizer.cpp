#include "text/tokenizer.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "text/fastai_rules.h"
#include "text/utf8.h"
#include "util/error.h"

namespace parlance {

TokenizerKind parse_tokenizer_kind(const std::string& name) {
  if (name == "fastai") return TokenizerKind::Fastai;
  if (name == "pretokenized") return TokenizerKind::Pretokenized;
  if (name == "char") return TokenizerKind::Char;
  if (name == "sentencepiece") return TokenizerKind::SentencePiece;
  throw UserError("unknown tokenizer \"" + name + "\" (expected fastai, pretokenized, char or sentencepiece)");
}

const char* tokenizer_kind_name(TokenizerKind kind) {
  switch (kind) {
    case TokenizerKind::Fastai: return "fastai";
    case TokenizerKind::Pretokenized: return "pretokenized";
    case TokenizerKind::Char: return "char";
    case TokenizerKind::SentencePiece: return "sentencepiece";
  }
  return "?";
}

std::string tokenizer_options_json(const TokenizerOptions& t) {
  return nlohmann::json{{"kind", tokenizer_kind_name(t.kind)}, {"lang", t.lang == Lang::Fr ? "fr" : "en"},
                        {"add_bos", t.add_bos},                {"add_eos", t.add_eos},
                        {"mark_fields", t.mark_fields},        {"eol_token", t.eol_token}}
      .dump();
}

TokenizerOptions tokenizer_options_from_json(const std::string& json) {
  auto j = nlohmann::json::parse(json);
  TokenizerOptions o;
  o.kind = parse_tokenizer_kind(j.at("kind").get<std::string>());
  o.lang = parse_lang(j.at("lang").get<std::string>());
  o.add_bos = j.at("add_bos").get<bool>();
  o.add_eos = j.at("add_eos").get<bool>();
  o.mark_fields = j.at("mark_fields").get<bool>();
  o.eol_token = j.at("eol_token").get<std::string>();
  return o;
}

Lang parse_lang(const std::string& name) {
  if (name == "en") return Lang::En;
  if (name == "fr") return Lang::Fr;
  throw UserError("unknown language \"" + name + "\" (expected en or fr)");
}

TextTokenizer::TextTokenizer(TokenizerOptions opts) : opts_(std::move(opts)), words_(opts_.lang) {}
TextTokenizer::~TextTokenizer() = default;

void TextTokenizer::load_sentencepiece(const std::string& model_proto) {
  sp_ = std::make_unique<SentencePieceModel>(model_proto);
}

namespace {
// A UTF-8 byte-order mark opening a file is not text (Python reads it away
// with utf-8-sig): without this the first word would keep it and its xxmaj.
std::string_view without_bom(std::string_view field) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (field.substr(0, kBom.size()) == kBom) field.remove_prefix(kBom.size());
  return field;
}
}  // namespace

// fastai's _join_texts: "xxbos xxfld 1 a xxfld 2 b xxeos", before any rule
// runs. The buffer is the thread's own and reused: prep joins every document.
// It is sized once for the most the parts can take and then filled: an
// append per part (five for a sentence) cost more than the copying.
std::string_view TextTokenizer::join_fields(const TextFields& fields) const {
  static const std::string_view bos = tok::BOS, eos = tok::EOS, fld = tok::FLD;
  thread_local std::string text;
  size_t most = (opts_.add_bos ? bos.size() + 1 : 0) + (opts_.add_eos ? 1 + eos.size() : 0);
  for (auto f : fields) most += 1 + f.size() + (opts_.mark_fields ? fld.size() + 24 : 0);  // " xxfld N " + field
  text.resize(most);
  char* o = text.data();
  auto put = [&o](std::string_view part) {
    std::memcpy(o, part.data(), part.size());
    o += part.size();
  };
  if (opts_.add_bos) put(bos), put(" ");
  for (size_t i = 0; i < fields.size(); ++i) {
    if (opts_.mark_fields) {
      if (i) put(" ");
      put(fld), put(" "), put(std::to_string(i + 1)), put(" ");
    } else if (i) {
      put(" ");
    }
    put(without_bom(fields[i]));
  }
  if (opts_.add_eos) put(" "), put(eos);
  text.resize(static_cast<size_t>(o - text.data()));
  return text;
}

void TextTokenizer::prepared_text(const TextFields& fields, std::string& out) const {
  apply_pre_rules(join_fields(fields), out);
}

void TextTokenizer::piece_tokens(const WordPiece& piece, TokenList& out) const {
  thread_local std::vector<std::string_view> words;
  words.clear();
  words_.split_piece(piece, words);
  apply_post_rules(words, out);
}

void TextTokenizer::tokenize(const TextFields& fields, TokenList& out) const {
  switch (opts_.kind) {
    case TokenizerKind::Fastai: {
      std::string text;
      prepared_text(fields, text);
      out.open().reserve(out.open().size() + text.size() + text.size() / 4);
      WordPiece piece;
      for (WordPieces pieces(text); pieces.next(&piece);) piece_tokens(piece, out);
      return;
    }
    case TokenizerKind::SentencePiece: {
      if (!sp_) throw std::logic_error("SentencePiece model not loaded");
      sp_->encode(apply_pre_rules(join_fields(fields)), [&](std::string_view piece) { out.push(piece); });
      return;
    }
    case TokenizerKind::Pretokenized:
    case TokenizerKind::Char:
      break;
  }
  if (opts_.add_bos) out.push(tok::BOS);
  for (size_t f = 0; f < fields.size(); ++f) {
    if (opts_.mark_fields) {
      out.push(tok::FLD);
      out.push(std::to_string(f + 1));
    }
    std::string_view s = without_bom(fields[f]);
    if (opts_.kind == TokenizerKind::Char) {
      for (size_t i = 0, len; i < s.size(); i += len) {
        utf8::decode(s, i, &len);
        out.push(s.substr(i, len));
      }
      continue;
    }
    size_t i = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '\n') {
        if (!opts_.eol_token.empty()) out.push(opts_.eol_token);
        ++i;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else {
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' && s[j] != '\r') ++j;
        std::string_view w = s.substr(i, j - i);
        if (w == "<unk>")
          out.push(tok::UNK);
        else
          out.push(w);
        i = j;
      }
    }
  }
  if (opts_.add_eos) out.push(tok::EOS);
}

}  // namespace parlance
