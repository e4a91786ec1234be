#include "lm/text_generator.h"

#include <torch/torch.h>

#include "data/text_encoder.h"
#include "text/fastai_rules.h"
#include "text/tokenizer.h"
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

GeneratedText generate_tokens(LoadedModel& lm, const std::string& prompt, const GenerateOptions& opts) {
  const TextEncoder encoder(lm.card.stream(), /*complete_documents=*/false);
  GeneratedText g;
  std::vector<std::string>& out = g.tokens;
  out = encoder.tokens(prompt);
  const std::vector<int64_t> ids = encoder.ids(out);
  if (ids.empty()) throw UserError("generate: the prompt has no tokens");
  for (size_t i = 0; i < out.size(); ++i)
    if (ids[i] == 0 && out[i] != tok::UNK) g.unknown_prompt.push_back(out[i]);
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
  return g;
}

}  // namespace parlance
