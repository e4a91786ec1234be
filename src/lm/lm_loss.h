#pragma once
// The language-model loss: cross-entropy of next-token predictions plus
// Merity et al.'s activation regularization (AR, on the dropped-out last-layer
// output) and temporal activation regularization (TAR, on the raw one).
#include <torch/torch.h>

#include "models/language_model.h"

namespace parlance {

struct LmLoss {
  torch::Tensor total;  // what backward() runs on
  torch::Tensor ce;     // mean cross-entropy (for metrics)
};

// AR = alpha * mean(dropped^2); TAR = beta * mean((raw[t+1] - raw[t])^2), in fp32.
torch::Tensor activation_reg(const torch::Tensor& dropped, double alpha);
torch::Tensor temporal_activation_reg(const torch::Tensor& raw, double beta);
LmLoss lm_loss(const LmOutput& out, const torch::Tensor& targets, double alpha, double beta);

}  // namespace parlance
