#pragma once
// Length-normalized beam search for any Seq2SeqModel: each sentence keeps the
// `beam` best partial translations by summed log-probability; a translation
// that ends (xxeos) is scored by its mean log-probability per token
// (eos included), and the best finished one wins. An xxeos is accepted only
// when it ranks among the `beam` best candidates of its step (as Hugging
// Face's and OpenNMT's searches do), so beam 1 is exactly greedy decoding.
// A sentence stops once it has `beam` finished translations, or at max_len
// tokens (its live beams then count as finished).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "models/seq2seq_model.h"

namespace parlance {

struct Translation {
  std::vector<int64_t> tokens;  // without xxbos and xxeos
  double score = 0;             // mean log-probability per token
  torch::Tensor attention;      // (output tokens, S) when the model attends, else undefined
};

// One translation per row of `state` (from model.encode), in row order.
std::vector<Translation> beam_search(Seq2SeqModel& model, DecoderState state, int64_t beam, int64_t bos, int64_t eos,
                                     int64_t max_len);

}  // namespace parlance
