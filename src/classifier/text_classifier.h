#pragma once
// The ULMFiT classifier (fastai's get_text_classifier): the AWD-LSTM encoder
// run over whole documents in bptt chunks (classifier/multi_batch_encoder.h)
// under the pooling head (classifier/pooling_classifier.h). Its encoder's
// parameter names are the language model's ("encoder.*"), so an LM run or
// its encoder.pt initializes it (lm/vocab_transfer.h).
//
// Layer groups (fastai's awd_lstm_clas_split), input to output: the
// embedding, each LSTM layer, the head; freeze_to(-1) trains the head alone.
#include <memory>

#include "classifier/pooling_classifier.h"
#include "models/awd_lstm.h"
#include "models/model.h"
#include "train/train_config.h"

namespace parlance {

struct ClassifierOutput {
  torch::Tensor logits;  // (bs, classes)
  torch::Tensor out;     // (kept, bs, n): the encoder's last layer over the kept positions (AR/TAR apply here)
};

class TextClassifier : public Model {
 public:
  // `encoder`: the AWD-LSTM sizes and dropouts (× drop_mult); the head takes
  // 3·emb pooled features through head.hidden to n_classes, with dropouts
  // [output_p × drop_mult, head.p, ...].
  TextClassifier(const LmSpec& encoder, const HeadSpec& head, int64_t n_classes);

  // tokens: (seq, bs), pre-padded with pad_idx.
  ClassifierOutput forward(const torch::Tensor& tokens, int64_t bptt, int64_t max_len);
  ParamGroups layer_groups() override;
  std::shared_ptr<torch::nn::Module> encoder() override { return encoder_; }
  // BatchNorm over the global batch of a data-parallel step (nullptr: this rank's).
  void set_communicator(Communicator* comm) { head_->set_communicator(comm); }
  int64_t pad_idx() const { return spec_.pad_idx; }
  int64_t n_classes() const { return n_classes_; }

 private:
  LmSpec spec_;
  int64_t n_classes_;
  std::shared_ptr<AwdLstmEncoder> encoder_;
  std::shared_ptr<PoolingLinearClassifier> head_;
};

}  // namespace parlance
