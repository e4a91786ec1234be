#pragma once
// What the trainer needs from a language model. A model is a new file that
// implements this and registers a factory; the trainer never names a model.
#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/model.h"

namespace parlance {

// The decoder is returned as its input and weights rather than as logits: the
// training loss computes the (seq x bs x vocab) logits itself, once, in a
// reused buffer (train/linear_cross_entropy.h).
struct LmOutput {
  torch::Tensor hidden;  // (seq, bs, n): the decoder's input, after output dropout (AR applies here)
  torch::Tensor raw;     // the last layer's output before output dropout (TAR applies here)
  torch::Tensor decoder_weight, decoder_bias;  // (vocab, n), (vocab)
  torch::Tensor logits() const { return torch::linear(hidden, decoder_weight, decoder_bias); }  // (seq, bs, vocab)
};

// Recurrent state carried between batches: one (h, c) pair per layer, or
// whatever the model keeps; the trainer only resets, detaches and resizes it.
using LmState = std::vector<torch::Tensor>;

class LanguageModel : public Model {
 public:
  virtual LmOutput forward(const torch::Tensor& tokens, LmState& state) = 0;  // updates state in place
  virtual LmState initial_state(int64_t bs, torch::Device device) const = 0;
  // Parameters whose rows are indexed by the vocabulary (the embedding, an
  // untied decoder weight, the decoder bias): what a change of vocabulary remaps.
  virtual std::vector<std::string> vocab_parameter_names() const = 0;
};

struct LmSpec {
  std::string arch = "awd_lstm";
  int64_t vocab = 0, emb = 400, hidden = 1150, layers = 3;
  double drop_mult = 1.0;
  // (input, output, weight, embedding, hidden) dropouts before drop_mult.
  double input_p = 0.25, output_p = 0.1, weight_p = 0.2, embed_p = 0.02, hidden_p = 0.15;
  bool tie_weights = true;
  int64_t pad_idx = 1;
};

using LmFactory = std::function<std::shared_ptr<LanguageModel>(const LmSpec&)>;
// Architectures by name (language_model.cpp lists them; the trainer only
// calls make_language_model, so a new model is a new file plus one line there).
const std::map<std::string, LmFactory>& lm_registry();
std::shared_ptr<LanguageModel> make_language_model(const LmSpec& spec);  // throws UserError for unknown arch

}  // namespace parlance
