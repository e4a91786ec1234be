#pragma once
// Using a classifier: class probabilities of documents (eval mode, batches of
// similar lengths), and a trained run loaded from its checkpoint with its
// dataset card, so predict and eval need no prepared file for the vocabulary.
#include <memory>
#include <string>
#include <vector>

#include "classifier/labelled_docs.h"
#include "classifier/text_classifier.h"
#include "data/dataset_card.h"
#include "train/checkpoint.h"
#include "train/train_config.h"

namespace parlance {

struct ClassProbabilities {
  torch::Tensor probs;   // (n, classes) fp32 on the CPU, in the order of the batches' documents
  torch::Tensor labels;  // (n) int64, -1 where unlabelled
};

// Runs `model` (eval mode, no gradients) over each batch of document indices,
// batch k padded to at least pad_to[k] positions (empty: no minimum).
ClassProbabilities class_probabilities(TextClassifier& model, const LabelledDocs& docs,
                                       const std::vector<std::vector<int64_t>>& batches, int64_t bptt, int64_t max_len,
                                       torch::Device device, const std::vector<int64_t>& pad_to = {});

struct LoadedClassifier {
  TrainConfig cfg;
  DatasetCard card;
  std::shared_ptr<TextClassifier> model;
  std::string file;
  int64_t epoch = 0;
};

// Builds the classifier from a checkpoint file or run folder. Throws UserError
// naming the file when it is not a classifier run.
LoadedClassifier load_classifier(const std::string& path, const std::string& data_override = "");
// The same from a checkpoint already read.
LoadedClassifier load_classifier(CheckpointContents c);
// The recipe's encoder with this vocabulary's size and xxpad's index.
LmSpec classifier_encoder_spec(const TrainConfig& cfg, const std::vector<std::string>& itos, const std::string& origin);

}  // namespace parlance
