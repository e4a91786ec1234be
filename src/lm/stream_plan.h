#pragma once
// Rank-aware batchify for language models. A split's token array (N tokens)
// is cut into world·bs contiguous streams of L = N / (world·bs) tokens (the
// remainder is dropped, as in fastai and awd-lstm-lm). Rank r owns streams
// [r·bs, (r+1)·bs): one contiguous range of the array, so it reads only that
// range. A backward LM reads the array reversed: the same cut on the reversed
// array, which is a range of the original read back to front.
#include <cstdint>

namespace parlance {

struct StreamPlan {
  int64_t stream_len = 0;  // L: tokens per stream
  int64_t first = 0;       // first index of the original array this rank reads
  int64_t count = 0;       // bs · L
  bool backwards = false;  // the range is read back to front
};

// Throws UserError when the split is too small for world·bs streams of 3 tokens.
StreamPlan plan_streams(int64_t n_tokens, int world, int rank, int64_t bs, bool backwards);

}  // namespace parlance
