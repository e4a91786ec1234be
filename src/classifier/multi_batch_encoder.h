#pragma once
// fastai's MultiBatchEncoder: the AWD-LSTM encoder run over whole documents in
// bptt-sized chunks, the recurrent state carried from chunk to chunk and
// detached between them (as the encoder does in LM training). Only the chunks
// that start after seq - max_len are kept, with their gradients; earlier
// chunks run without a graph, since no gradient could reach them anyway.
#include <torch/torch.h>

#include "models/awd_lstm.h"

namespace parlance {

struct EncodedDocs {
  torch::Tensor out;  // (kept, bs, n): the last layer's output over the kept positions
  torch::Tensor pad;  // (kept, bs): true where the input was padding
};

// tokens: (seq, bs), pre-padded with pad_idx.
EncodedDocs encode_in_chunks(AwdLstmEncoder& encoder, const torch::Tensor& tokens, int64_t bptt, int64_t max_len,
                             int64_t pad_idx);

}  // namespace parlance
