#pragma once
// What every trainable model shares, whatever its task: parameter groups from
// input to output (discriminative learning rates and gradual unfreezing work
// on these), and, for models built as encoder + head (fastai's SequentialRNN),
// the encoder a downstream model reuses. The training session sees only this.
#include <torch/torch.h>

#include <memory>
#include <vector>

namespace parlance {

using ParamGroups = std::vector<std::vector<torch::Tensor>>;

class Model : public torch::nn::Module {
 public:
  // Every trainable parameter in exactly one group, groups ordered from the
  // input to the output.
  virtual ParamGroups layer_groups() = 0;
  // The reusable body (ULMFiT: the AWD-LSTM encoder), or nullptr when the
  // model is not built as encoder + head.
  virtual std::shared_ptr<torch::nn::Module> encoder() { return nullptr; }
};

}  // namespace parlance
