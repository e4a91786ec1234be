#pragma once
// This rank's bs language-model streams, and the batches of one epoch: each
// batch is seq_len rows of the bs columns (sequence-first, as the LSTM takes
// them), and the next batch continues every column exactly where the previous
// one stopped, so the hidden state can carry over (detached) between batches.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lm/stream_plan.h"

namespace parlance {

class PreparedDataset;

class RankStreams {
 public:
  RankStreams() = default;
  // `tokens`: the plan's range of the split, in reading order (already reversed
  // for a backward LM): bs streams of stream_len tokens back to back.
  RankStreams(const std::vector<int32_t>& tokens, int64_t bs, int64_t stream_len);
  // Reads this rank's range of SPLIT/tokens from a prepared file; with
  // `shuffle_seed_epoch` set, of the documents concatenated in that epoch's
  // shuffled order (fastai v1's shuffle).
  static RankStreams load(const PreparedDataset& data, const std::string& split, const StreamPlan& plan, int64_t bs);
  static RankStreams load_shuffled(const PreparedDataset& data, const std::string& split, const StreamPlan& plan, int64_t bs,
                                   uint64_t seed, uint64_t epoch);

  int64_t bs() const { return bs_; }
  int64_t stream_len() const { return data_.size(0); }
  // Inputs rows [pos, pos+len) and targets rows [pos+1, pos+len+1), each (len, bs) int64.
  torch::Tensor inputs(int64_t pos, int64_t len) const { return data_.narrow(0, pos, len); }
  torch::Tensor targets(int64_t pos, int64_t len) const { return data_.narrow(0, pos + 1, len); }

 private:
  int64_t bs_ = 0;
  torch::Tensor data_;  // (stream_len, bs): column c is stream c
};

}  // namespace parlance
