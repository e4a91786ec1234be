#pragma once
// Checkpoints: model and optimizer state, epoch and step, the resolved recipe
// and the dataset card (vocabularies, tokenizers, classes), in one LibTorch
// archive written to a temporary name and renamed, with its XXH64 beside it
// (FILE.xxh64, xxh64sum's format) so that a damaged file is refused on every
// read instead of loading. With the card a run folder is self-contained:
// eval, generate, predict and translate need no prepared file to map tokens.
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "data/dataset_card.h"
#include "models/language_model.h"
#include "train/task.h"
#include "train/train_config.h"

namespace parlance {

struct CheckpointInfo {
  int64_t epoch = 0, step = 0;
  std::string config_toml;
  std::string card;  // DatasetCard::serialize()
};

// `extra`: named tensors the loop and the task need to resume exactly.
void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::Optimizer& opt,
                     const CheckpointInfo& info, const ResumeState& extra = {});
// Loads weights and optimizer state into `model` and `opt`; returns the extras.
// `data_card` is the dataset being trained on: a checkpoint trained with
// another vocabulary, tokenizer or classes, or whose tensors have other shapes
// than the recipe's model, is a UserError naming the file and the difference.
ResumeState restore_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::Optimizer& opt,
                               const std::vector<std::string>& extra_names, const DatasetCard& data_card);

// Writes the model's encoder (Model::encoder()) alone, with the dataset card
// (`card`: DatasetCard::serialize()): what a classifier or a fine-tuned LM reuses.
void save_encoder(const std::string& path, Model& model, const std::string& card);

// Pretrained weights as train.init finds them: a run folder, a checkpoint or an
// encoder.pt. `weights` is the archive holding the module's tensors ("model"
// of a checkpoint, "encoder" of an encoder.pt); `card` is the vocabulary they
// were trained with.
struct PretrainedWeights {
  std::string file;
  bool encoder_only = false;
  torch::serialize::InputArchive weights;
  DatasetCard card;
};
PretrainedWeights read_pretrained(const std::string& path);  // throws UserError naming the file

// A checkpoint opened for use (eval, generate, predict): its recipe, dataset
// card, position and the archive of the model's weights ("model").
struct CheckpointContents {
  std::string file;
  TrainConfig cfg;
  DatasetCard card;
  int64_t epoch = 0, step = 0;
  torch::serialize::InputArchive weights;
};
// PATH is a checkpoint file or a run folder (its checkpoints/last.pt).
// `data_override` replaces train.data. Throws UserError naming the file.
CheckpointContents read_checkpoint(const std::string& path, const std::string& data_override = "");
// Loads `contents.weights` into `model`; a mismatch is a UserError naming the file.
void load_weights(CheckpointContents& contents, torch::nn::Module& model);

struct LoadedModel {
  TrainConfig cfg;
  std::shared_ptr<LanguageModel> model;
  DatasetCard card;
  std::vector<std::string> itos;  // card.stream("").itos
  int64_t epoch = 0, step = 0;
};

// PATH is a checkpoint file or a run folder (its checkpoints/last.pt).
// `data_override`: evaluate on this prepared file instead of train.data (its
// vocabulary must be the model's).
LoadedModel load_checkpoint(const std::string& path, const std::string& data_override = "");
// The same from a checkpoint already read (a command that first looked at its task).
LoadedModel load_checkpoint(CheckpointContents c);

}  // namespace parlance
