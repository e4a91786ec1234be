#pragma once
// ULMFiT transfer across vocabularies (fastai's convert_weights): pretrained
// weights are copied into a model built for another vocabulary by token
// string. Every parameter indexed by the vocabulary (the embedding, an untied
// decoder weight, the decoder bias: LanguageModel::vocab_parameter_names)
// takes the pretrained row of the same token; tokens the pretrained
// vocabulary lacks take the mean of the pretrained rows. Every other parameter
// is copied as it is, and must have the same shape.
#include <string>
#include <vector>

#include "models/language_model.h"

namespace parlance {

// new_rows[i] = old_rows[j] where new_itos[i] == old_itos[j], else the mean of
// old_rows (over dim 0). Returns how many of new_itos were found.
int64_t remap_rows(const torch::Tensor& old_rows, const std::vector<std::string>& old_itos, torch::Tensor& new_rows,
                   const std::vector<std::string>& new_itos);

struct TransferReport {
  std::string file;
  int64_t found = 0, total = 0;          // tokens of the new vocabulary found in the pretrained one
  std::vector<std::string> missing;      // the first few not found
  bool encoder_only = false;             // weights came from an encoder.pt (the decoder keeps its init)
  std::string summary() const;           // one line for the log
};

// Initializes `model` from a run folder, checkpoint or encoder.pt of a
// language model (train.init). `model` is a language model or a classifier
// whose encoder was built from `spec` for vocabulary `itos`; `vocab_params`
// names its parameters indexed by the vocabulary. Parameters outside
// "encoder." that the pretrained model lacks (a classifier's head, or the
// decoder when only an encoder.pt is given) keep their init. Throws UserError
// naming the file when the architecture or sizes differ.
TransferReport init_from_pretrained(const std::string& path, Model& model, const std::vector<std::string>& vocab_params,
                                    const LmSpec& spec, const std::vector<std::string>& itos);

}  // namespace parlance
