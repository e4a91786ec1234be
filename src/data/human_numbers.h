#pragma once
// fastai's HUMAN_NUMBERS toy corpus, generated rather than shipped: the
// numbers 1..9999 written in English words, one per line, 1..8000 for
// training and 8001..9999 for validation.
#include <string>

namespace parlance {

std::string number_to_words(int n);  // 1 <= n <= 9999, e.g. "eight thousand one hundred twenty three"
// Writes DIR/train.txt and DIR/valid.txt (each via a temporary name).
void write_human_numbers(const std::string& dir);

}  // namespace parlance
