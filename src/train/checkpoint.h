#pragma once
// Checkpoints: model and optimizer state, epoch and step, and the resolved
// recipe, in one LibTorch archive written to a temporary name and renamed.
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "models/language_model.h"
#include "train/train_config.h"

namespace parlance {

// `extra`: named tensors the trainer needs to resume exactly (position,
// every rank's RNG and recurrent state).
using CheckpointExtras = std::map<std::string, torch::Tensor>;
void save_checkpoint(const std::string& path, LanguageModel& model, torch::optim::Optimizer& opt, int64_t epoch,
                     int64_t step, const std::string& config_toml, const CheckpointExtras& extra = {});
// Loads weights and optimizer state into `model` and `opt`; returns the extras.
CheckpointExtras restore_checkpoint(const std::string& path, LanguageModel& model, torch::optim::Optimizer& opt,
                                    const std::vector<std::string>& extra_names);

// Writes every parameter except the decoder's own (the encoder a classifier reuses).
void save_encoder(const std::string& path, LanguageModel& model);
// Copies the weights of a checkpoint (file or run folder) into `model`; throws
// UserError when they do not fit (another vocabulary or size).
void load_weights(const std::string& path, LanguageModel& model);

struct LoadedModel {
  TrainConfig cfg;
  std::shared_ptr<LanguageModel> model;
  std::vector<std::string> itos;
  int64_t epoch = 0, step = 0;
};

// PATH is a checkpoint file or a run folder (its checkpoints/last.pt).
// `data_override`: use this prepared file for the vocabulary instead of train.data.
LoadedModel load_checkpoint(const std::string& path, const std::string& data_override = "");

}  // namespace parlance
