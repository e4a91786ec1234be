#pragma once
// Readable text from tokens (what `generate` and `translate` print and what
// BLEU scores). For the fastai tokenizer: xxmaj / xxup applied to the next
// token, xxrep / xxwrep expanded, xxbos / xxpad / xxfld N / xxfake dropped,
// xxeos a line break, and spaces removed where the word tokenizer split
// without one — before clitics ('s, n't, -tu, -ce) and closing punctuation,
// after elisions (qu', l', d') and opening brackets, and around a narrow
// no-break space token (French typography keeps it). Characters are joined;
// SentencePiece pieces turn ▁ into spaces. Not an exact inverse: text that had
// a space before a comma loses it.
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace parlance {

std::string detokenize(const std::vector<std::string>& tokens, TokenizerKind kind = TokenizerKind::Fastai);

}  // namespace parlance
