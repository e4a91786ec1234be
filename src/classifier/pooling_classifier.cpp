#include "classifier/pooling_classifier.h"

#include <limits>

#include "util/error.h"

namespace parlance {

torch::Tensor masked_concat_pool(const torch::Tensor& out, const torch::Tensor& pad) {
  const torch::Tensor keep = pad.logical_not().unsqueeze(2);                       // (seq, bs, 1)
  const torch::Tensor count = keep.sum(0).to(out.scalar_type()).clamp_min(1);      // (bs, 1)
  const torch::Tensor mean = out.masked_fill(keep.logical_not(), 0).sum(0) / count;
  // A document of padding only (an empty line given to predict) pools to zeros, not -inf.
  const torch::Tensor max =
      std::get<0>(out.masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity()).max(0))
          .masked_fill(keep.any(0).logical_not(), 0);
  return torch::cat({out[-1], max, mean}, 1);
}

PoolingLinearClassifier::PoolingLinearClassifier(const std::vector<int64_t>& layers, const std::vector<double>& dropouts) {
  if (layers.size() < 2 || dropouts.size() != layers.size() - 1)
    throw UserError("classifier head: need at least 2 layer sizes and one dropout per block (got " +
                    std::to_string(layers.size()) + " sizes, " + std::to_string(dropouts.size()) + " dropouts)");
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    const std::string k = std::to_string(i);
    Block b;
    b.bn = register_module("bn" + k, std::make_shared<SyncBatchNorm1d>(layers[i]));
    b.drop = register_module("drop" + k, torch::nn::Dropout(dropouts[i]));
    b.lin = register_module("lin" + k, torch::nn::Linear(layers[i], layers[i + 1]));
    blocks_.push_back(b);
  }
}

void PoolingLinearClassifier::set_communicator(Communicator* comm) {
  for (auto& b : blocks_) b.bn->set_communicator(comm);
}

torch::Tensor PoolingLinearClassifier::forward(const torch::Tensor& out, const torch::Tensor& pad) {
  torch::Tensor x = masked_concat_pool(out, pad);
  for (size_t i = 0; i < blocks_.size(); ++i) {
    x = blocks_[i].lin->forward(blocks_[i].drop->forward(blocks_[i].bn->forward(x)));
    if (i + 1 < blocks_.size()) x = torch::relu(x);
  }
  return x;
}

}  // namespace parlance
