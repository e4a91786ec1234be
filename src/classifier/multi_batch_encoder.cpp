#include "classifier/multi_batch_encoder.h"

#include <vector>

#include "util/error.h"

namespace parlance {

EncodedDocs encode_in_chunks(AwdLstmEncoder& encoder, const torch::Tensor& tokens, int64_t bptt, int64_t max_len,
                             int64_t pad_idx) {
  if (bptt < 1 || max_len < 1) throw UserError("classifier: bptt and max_len must be at least 1");
  const int64_t seq = tokens.size(0);
  LmState state = encoder.initial_state(tokens.size(1), tokens.device());
  std::vector<torch::Tensor> outs, pads;
  for (int64_t i = 0; i < seq; i += bptt) {
    const int64_t len = std::min(bptt, seq - i);
    const torch::Tensor chunk = tokens.narrow(0, i, len);
    for (auto& t : state) t = t.detach();
    // Kept: every chunk that reaches into the last max_len positions (fastai
    // keeps chunks starting after seq - max_len, which can keep none when
    // seq - max_len falls on a chunk start; this keeps at least the last chunk).
    if (i + len > seq - max_len) {
      outs.push_back(encoder.forward(chunk, state));
      pads.push_back(chunk == pad_idx);
    } else {
      torch::NoGradGuard no_grad;
      encoder.forward(chunk, state);
    }
  }
  return {torch::cat(outs, 0), torch::cat(pads, 0)};
}

}  // namespace parlance
