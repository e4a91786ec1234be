#pragma once
// Loops over target positions, for any Seq2SeqModel (models/seq2seq_model.h).
//  - Training: every real target position, the next input being the true
//    previous token where teacher forcing says so and the model's own argmax
//    otherwise (the lesson's pr_force, one draw per position for the whole
//    batch). Rows run longest target first and a row leaves the loop after its
//    last real token: what it would compute afterwards feeds only positions
//    the loss ignores (target pads), so dropping it changes no loss and no
//    gradient and saves the padding's share of the decoder's work.
//  - Greedy decoding: the argmax fed back until every row has produced xxeos
//    or max_len tokens.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "models/seq2seq_model.h"

namespace parlance {

struct Seq2SeqLossSum {
  torch::Tensor sum;  // summed cross-entropy, fp32 or wider
  int64_t count = 0;  // real target tokens
};

// The training loss over tgt (T, B), padded with `pad` at the end; tgt on
// the host (no wait for the GPU) or on the model's device.
// `forced[t]`: the input after position t is tgt[t] rather than the
// prediction (size T). Equals seq2seq_loss of the logits of every position.
Seq2SeqLossSum teacher_forced_loss(Seq2SeqModel& model, DecoderState state, const torch::Tensor& tgt,
                                   const std::vector<bool>& forced, int64_t bos, int64_t pad);

struct GreedyResult {
  torch::Tensor tokens;     // (L, B) int64: each row's tokens up to and including its xxeos, then pad
  torch::Tensor logits;     // (L, B, V): zeros after a row's xxeos (the lesson's "padded prediction")
  torch::Tensor attention;  // (L, B, S), or undefined for models without attention
};
GreedyResult greedy_decode(Seq2SeqModel& model, DecoderState state, int64_t bos, int64_t eos, int64_t pad,
                           int64_t max_len);

// The lesson's seq2seq_loss on (sum, count): predictions shorter than the
// target are padded with zero logits (each such position costs log V), longer
// ones cut; target pads count for nothing. Returns the summed cross-entropy
// (fp32 or wider) and the number of real target tokens.
Seq2SeqLossSum seq2seq_loss(const torch::Tensor& logits, const torch::Tensor& tgt, int64_t pad);
// Real target positions whose predicted token (padded with `pad`) is right.
int64_t seq2seq_correct(const torch::Tensor& tokens, const torch::Tensor& tgt, int64_t pad);

}  // namespace parlance
