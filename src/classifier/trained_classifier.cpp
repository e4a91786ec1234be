#include "classifier/trained_classifier.h"

#include <algorithm>

#include "text/fastai_rules.h"
#include "train/checkpoint.h"
#include "train/host_to_device.h"
#include "util/error.h"

namespace parlance {

ClassProbabilities class_probabilities(TextClassifier& model, const LabelledDocs& docs,
                                       const std::vector<std::vector<int64_t>>& batches, int64_t bptt, int64_t max_len,
                                       torch::Device device, const std::vector<int64_t>& pad_to) {
  torch::NoGradGuard no_grad;
  model.eval();
  std::vector<torch::Tensor> probs, labels;
  for (size_t k = 0; k < batches.size(); ++k) {
    const auto& b = batches[k];
    if (b.empty()) continue;
    DocBatch batch = docs.batch(b, model.pad_idx(), pad_to.empty() ? 0 : pad_to[k]);
    auto logits = model.forward(to_device(batch.tokens, device), bptt, max_len).logits;
    probs.push_back(torch::softmax(logits.to(torch::kFloat32), 1).cpu());
    labels.push_back(batch.labels);
  }
  if (probs.empty()) return {torch::empty({0, model.n_classes()}), torch::empty({0}, torch::kInt64)};
  return {torch::cat(probs), torch::cat(labels)};
}

LmSpec classifier_encoder_spec(const TrainConfig& cfg, const std::vector<std::string>& itos, const std::string& origin) {
  LmSpec spec = cfg.model;
  spec.vocab = static_cast<int64_t>(itos.size());
  auto pad = std::find(itos.begin(), itos.end(), std::string(tok::PAD));
  if (pad == itos.end())
    throw UserError(origin + ": the vocabulary has no " + std::string(tok::PAD) + " token to pad documents with");
  spec.pad_idx = pad - itos.begin();
  return spec;
}

LoadedClassifier load_classifier(const std::string& path, const std::string& data_override) {
  return load_classifier(read_checkpoint(path, data_override));
}

LoadedClassifier load_classifier(CheckpointContents c) {
  if (c.cfg.task != "classifier") throw UserError(c.file + ": a " + c.cfg.task + " run, not a classifier");
  LoadedClassifier out;
  out.cfg = c.cfg;
  out.card = c.card;
  out.file = c.file;
  out.epoch = c.epoch;
  const auto& itos = out.card.stream("").itos;
  out.model = std::make_shared<TextClassifier>(classifier_encoder_spec(c.cfg, itos, c.file), c.cfg.head,
                                               static_cast<int64_t>(out.card.classes.size()));
  load_weights(c, *out.model);
  out.model->eval();
  return out;
}

}  // namespace parlance
