// lm_logits RUN ID...: the eval-mode logits of a run's language model for one
// sequence of token ids (batch of 1), one row per position, for interop tests.
#include <cstdio>
#include <cstdlib>

#include "train/checkpoint.h"

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  auto lm = parlance::load_checkpoint(argv[1]);
  std::vector<int64_t> ids;
  for (int i = 2; i < argc; ++i) ids.push_back(std::atoll(argv[i]));
  torch::NoGradGuard no_grad;
  lm.model->eval();
  auto state = lm.model->initial_state(1, torch::kCPU);
  auto logits = lm.model->forward(torch::tensor(ids).view({-1, 1}), state).logits().squeeze(1);
  for (int64_t t = 0; t < logits.size(0); ++t) {
    for (int64_t v = 0; v < logits.size(1); ++v) std::printf("%s%.9g", v ? " " : "", logits[t][v].item<double>());
    std::printf("\n");
  }
  return 0;
}
