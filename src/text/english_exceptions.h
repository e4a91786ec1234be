#pragma once
// spaCy v2's English tokenizer exceptions — the special cases fastai v1's
// tokenizer inherits from spacy.blank("en"): contractions split where spaCy
// splits them ("don't" → do n't, "I'm" → I 'm, "cannot" → can not, "gonna" →
// gon na, the apostrophe-less "dont" → do nt), times ("7am" → 7 am), words and
// clitics kept whole ('s, 're, 'll, 'd, 'em, 'cause, o'clock, nothin'),
// abbreviations whose "." belongs to them (Mr., Calif., e.g., a.m., a. … z.)
// and emoticons. A chunk matching one exactly becomes its pieces; the
// tokenizer checks at every step of peeling prefixes and suffixes, as spaCy
// does. Ambiguous words spaCy excludes (ill, well, its, shell, were…) are not
// exceptions.
#include <cstdint>
#include <string_view>
#include <vector>

namespace parlance {

// The lengths in bytes of the pieces `chunk` splits into (they add up to
// chunk.size()), or nullptr when it is not an exception.
const std::vector<uint8_t>* english_exception(std::string_view chunk);

}  // namespace parlance
