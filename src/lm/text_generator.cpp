#include "lm/text_generator.h"

#include <torch/torch.h>

#include "data/text_encoder.h"
#include "text/fastai_rules.h"
#include "text/tokenizer.h"
#include "text/utf8.h"
#include "util/error.h"

namespace parlance {
namespace {

TokenizerOptions tokenizer_of(const LoadedModel& lm) {
  TokenizerOptions o = tokenizer_options_from_json(lm.card.stream().tokenizer_json);
  o.add_eos = false;  // a prompt is an unfinished document
  return o;
}

}  // namespace

TokenizerKind tokenizer_kind(const LoadedModel& lm) { return tokenizer_of(lm).kind; }

std::vector<std::string> generate_tokens(LoadedModel& lm, const std::string& prompt, const GenerateOptions& opts) {
  const TextEncoder encoder(lm.card.stream(), /*complete_documents=*/false);
  std::vector<std::string> out = encoder.tokens(prompt);
  const std::vector<int64_t> ids = encoder.ids(out);
  if (ids.empty()) throw UserError("generate: the prompt has no tokens");
  torch::NoGradGuard no_grad;
  torch::manual_seed(opts.seed);
  lm.model->eval();
  LmState state = lm.model->initial_state(1, torch::kCPU);
  torch::Tensor input = torch::tensor(ids, torch::kInt64).view({-1, 1});
  for (int64_t n = 0; n < opts.words; ++n) {
    auto logits = lm.model->forward(input, state).logits()[-1][0].to(torch::kFloat32);  // last position
    if (opts.no_unk) {
      logits[0] = -std::numeric_limits<float>::infinity();  // xxunk
      if (logits.size(0) > 1) logits[1] = -std::numeric_limits<float>::infinity();  // xxpad
    }
    logits = logits / std::max(opts.temperature, 1e-6);
    if (opts.top_k > 0 && opts.top_k < logits.size(0)) {
      auto kth = std::get<0>(logits.topk(opts.top_k)).min();
      logits = logits.masked_fill(logits < kth, -std::numeric_limits<float>::infinity());
    }
    int64_t next = torch::multinomial(torch::softmax(logits, 0), 1).item<int64_t>();
    out.push_back(lm.itos[static_cast<size_t>(next)]);
    input = torch::full({1, 1}, next, torch::kInt64);
  }
  return out;
}

std::string detokenize(const std::vector<std::string>& tokens, TokenizerKind kind) {
  const bool chars = kind == TokenizerKind::Char, pieces = kind == TokenizerKind::SentencePiece;
  std::string text;
  enum class Case { None, Capital, Upper } next_case = Case::None;
  auto is_int = [](const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; };
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string t = tokens[i];
    if (t == tok::BOS || t == tok::PAD || t.rfind("xxfake", 0) == 0) continue;
    if (t == tok::FLD) {
      if (i + 1 < tokens.size() && is_int(tokens[i + 1])) ++i;
      continue;
    }
    if (t == tok::MAJ) { next_case = Case::Capital; continue; }
    if (t == tok::UP) { next_case = Case::Upper; continue; }
    if (t == tok::EOS) t = "\n";
    if ((t == tok::REP || t == tok::WREP) && i + 2 < tokens.size() && is_int(tokens[i + 1])) {
      int n = std::stoi(tokens[i + 1]);
      std::string unit = tokens[i + 2];
      t.clear();
      for (int k = 0; k < n && k < 64; ++k) t += (k && t != "" && tokens[i] == tok::WREP ? " " : "") + unit;
      i += 2;
    }
    if (next_case == Case::Upper) {
      std::string up;
      for (char c : t) up.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
      t = up;
    } else if (next_case == Case::Capital && !t.empty() && t[0] >= 'a' && t[0] <= 'z') {
      t[0] = static_cast<char>(t[0] - 32);
    }
    next_case = Case::None;
    if (chars) {
      text += t;
      continue;
    }
    if (pieces) {  // "▁" marks a word start
      for (size_t p; (p = t.find("\xE2\x96\x81")) != std::string::npos;) t.replace(p, 3, " ");
      text += t;
      continue;
    }
    // No space before closing punctuation and clitics, none after a newline.
    static const char* kNoSpaceBefore[] = {".", ",", "!", "?", ";", ":", ")", "]", "n't", "'s", "'re", "'ll", "'ve", "'m", "'d", "%"};
    bool glue = text.empty() || text.back() == '\n' || text.back() == '(' || t.find('\n') != std::string::npos;
    for (const char* p : kNoSpaceBefore) glue |= t == p;
    if (!glue) text += ' ';
    text += t;
  }
  return text;
}

}  // namespace parlance
