#pragma once
// The ULMFiT classifier head (fastai's PoolingLinearClassifier): concat
// pooling of the encoder's last-layer output over the real tokens only —
// [last position, max over time, mean over time], 3·n features — then blocks
// of BatchNorm1d → Dropout → Linear, with ReLU between blocks and none after
// the last (fastai's layers [3·emb, 50, n_classes], dropouts [0.4, 0.1]).
// The BatchNorm layers normalize over the global batch of a data-parallel
// step (models/sync_batch_norm.h) once set_communicator() names the ranks.
// Documents are pre-padded (pad first), so the last position is the last word.
#include <torch/torch.h>

#include <vector>

#include "models/sync_batch_norm.h"

namespace parlance {

// out: (seq, bs, n) sequence-first; pad: (seq, bs) true at padding. Returns
// (bs, 3n): out[-1], the max and the mean of out over the non-pad positions.
torch::Tensor masked_concat_pool(const torch::Tensor& out, const torch::Tensor& pad);

class PoolingLinearClassifier : public torch::nn::Module {
 public:
  // layers: feature sizes from the pooled input to the classes ([1200, 50, 2]);
  // dropouts: one per block (already multiplied by drop_mult).
  PoolingLinearClassifier(const std::vector<int64_t>& layers, const std::vector<double>& dropouts);
  torch::Tensor forward(const torch::Tensor& out, const torch::Tensor& pad);  // logits (bs, classes)
  void set_communicator(Communicator* comm);

 private:
  struct Block {
    std::shared_ptr<SyncBatchNorm1d> bn;
    torch::nn::Dropout drop{nullptr};
    torch::nn::Linear lin{nullptr};
  };
  std::vector<Block> blocks_;
};

}  // namespace parlance
