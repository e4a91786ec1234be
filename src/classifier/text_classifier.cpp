#include "classifier/text_classifier.h"

#include "classifier/multi_batch_encoder.h"
#include "util/error.h"

namespace parlance {
namespace {

std::vector<int64_t> head_layers(const LmSpec& spec, const HeadSpec& head, int64_t n_classes) {
  std::vector<int64_t> layers{3 * spec.emb};
  for (int64_t h : head.hidden) {
    if (h < 1) throw UserError("model.head_hidden: sizes must be at least 1 (got " + std::to_string(h) + ")");
    layers.push_back(h);
  }
  layers.push_back(n_classes);
  return layers;
}

// fastai's text_classifier_learner: the first block drops output_p (scaled by
// drop_mult with the encoder's dropouts), later blocks the unscaled ps.
std::vector<double> head_dropouts(const LmSpec& spec, const HeadSpec& head) {
  std::vector<double> ps{spec.output_p * spec.drop_mult};
  for (size_t i = 0; i < head.hidden.size(); ++i) ps.push_back(head.p);
  return ps;
}

}  // namespace

TextClassifier::TextClassifier(const LmSpec& encoder, const HeadSpec& head, int64_t n_classes)
    : spec_(encoder), n_classes_(n_classes) {
  if (encoder.arch != "awd_lstm")
    throw UserError("train.task = \"classifier\" needs model.arch = \"awd_lstm\" (got \"" + encoder.arch + "\")");
  if (n_classes < 2) throw UserError("a classifier needs at least 2 classes (got " + std::to_string(n_classes) + ")");
  encoder_ = register_module("encoder", std::make_shared<AwdLstmEncoder>(encoder));
  head_ = register_module("head", std::make_shared<PoolingLinearClassifier>(head_layers(encoder, head, n_classes),
                                                                            head_dropouts(encoder, head)));
}

ClassifierOutput TextClassifier::forward(const torch::Tensor& tokens, int64_t bptt, int64_t max_len) {
  EncodedDocs enc = encode_in_chunks(*encoder_, tokens, bptt, max_len, spec_.pad_idx);
  return {head_->forward(enc.out, enc.pad), enc.out};
}

ParamGroups TextClassifier::layer_groups() {
  ParamGroups groups{{encoder_->embedding()}};
  for (auto& g : encoder_->lstm_groups()) groups.push_back(g);
  groups.push_back(head_->parameters());
  return groups;
}

}  // namespace parlance
