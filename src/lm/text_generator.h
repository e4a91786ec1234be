#pragma once
// Sampling text from a trained language model, and turning tokens back into
// readable text (xxmaj → Capital, xxup → CAPS, xxrep/xxwrep expanded, markers dropped).
#include <cstdint>
#include <string>
#include <vector>

#include "text/detokenize.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"

namespace parlance {

struct GenerateOptions {
  int64_t words = 50;       // tokens to generate
  double temperature = 1.0;
  int64_t top_k = 0;        // 0: sample from the whole distribution
  bool no_unk = true;       // never produce xxunk / xxpad
  uint64_t seed = 0;
};

struct GeneratedText {
  std::vector<std::string> tokens;          // the prompt's tokens followed by the generated ones
  std::vector<std::string> unknown_prompt;  // prompt tokens the vocabulary lacks (read as xxunk), in order
};
GeneratedText generate_tokens(LoadedModel& lm, const std::string& prompt, const GenerateOptions& opts);
// How the model's dataset was tokenized.
TokenizerKind tokenizer_kind(const LoadedModel& lm);

}  // namespace parlance
