#pragma once
// A training recipe: [model] and [train] sections and optional [[stage]]
// tables (util/config.h validates them).
#include <string>
#include <vector>

#include "models/language_model.h"
#include "models/seq2seq_model.h"
#include "train/schedule.h"
#include "util/config.h"

namespace parlance {

// One stage of gradual unfreezing (fastai: freeze_to(n) then fit_one_cycle):
// its own schedule over its own epochs, a fresh optimizer state, the first
// `freeze_to` layer groups frozen (negative: all but the last -freeze_to, as
// fastai's freeze_to(-2)), and lr / discriminative^k for the k-th group from
// the top (fastai's slice(lr / 2.6**4, lr) over five groups).
struct StageSpec {
  int64_t epochs = 1, freeze_to = 0;
  double lr = 1e-3, discriminative = 1.0;
};

// The classifier head above the pooled encoder output (fastai's lin_ftrs and
// ps): hidden sizes between 3·emb and the classes; the first block's dropout
// is model.output_p (× drop_mult, as fastai), later blocks take `p`.
struct HeadSpec {
  std::vector<int64_t> hidden = {50};
  double p = 0.1;
};

// The translator's recipe beyond its model: direction, word vectors, teacher
// forcing, decoding length. model.arch / hidden / layers / tie_weights are the
// shared [model] keys (LmSpec) and fill the seq2seq spec's fields of the same name.
struct TranslatorSpec {
  std::string direction = "src_to_tgt";  // or "tgt_to_src": which prepared stream is the source
  std::string src_vectors, tgt_vectors;  // fastText .vec / .bin (or GloVe text) for the embeddings
  double teacher_forcing_epochs = 0;     // forcing probability falls from 1 to 0 over these epochs (0: never forced)
  int64_t max_out = 0;                   // longest decoded output (0: the longest training target)
};

struct TrainConfig {
  std::string task = "language_model";  // train/task_registry.h
  LmSpec model;
  HeadSpec head;
  Seq2SeqSpec seq2seq;
  TranslatorSpec translator;
  std::string data;  // prepared .h5
  std::string run_dir;
  std::string train_split = "train", valid_split = "valid";
  int64_t epochs = 1, bs = 64, valid_bs = 0, bptt = 70;
  int64_t max_len = 1400;  // classifier: gradients kept for the last max_len tokens of a document
  bool variable_bptt = true, lr_scale_by_seq_len = true, backwards = false;
  bool shuffle = false;  // reshuffle the training documents every epoch (fastai v1)
  std::string optimizer = "adam";  // adam | sgd
  double beta2 = 0.99, momentum = 0.9, wd = 0.01;
  bool true_wd = true;  // decoupled (AdamW-style) weight decay, as fastai's default
  double clip = 0.0, alpha = 2.0, beta = 1.0;
  double discriminative = 1.0;  // lr of group i = lr / factor^(groups-1-i) (ULMFiT: 2.6)
  int64_t freeze_to = 0;
  int64_t accumulate = 1;
  ScheduleSpec schedule;
  uint64_t seed = 42;
  int64_t threads = 1;
  std::string backend = "auto";
  std::string device = "auto";     // auto | cpu | cuda (auto: CUDA when LibTorch sees a GPU)
  std::string precision = "fp32";  // fp32 | bf16 | fp16 (autocast; CUDA only)
  double loss_scale = 65536.0;     // fp16: initial dynamic loss scale
  int64_t checkpoint_every = 0;  // steps; 0 = end of each epoch only
  int64_t log_every = 10;        // steps between rows of RUN/steps.jsonl (0: none)
  double collective_timeout = 600;  // seconds one rank may wait in a collective before ending the job (0: forever)
  int64_t max_steps = 0;         // stop after this many steps in all (0 = no limit); for tests and smoke runs
  bool save_encoder = false;     // write RUN/encoder.pt (embedding + LSTM layers) for a classifier
  std::string init;              // start from these weights: a run folder, checkpoint or encoder.pt (vocabulary remapped)
  std::string resolved_toml;
  // [[stage]] tables in order; without any, one stage of train.epochs at
  // train.lr, train.freeze_to and train.discriminative.
  std::vector<StageSpec> stages;
  int64_t total_epochs() const;
};

const std::vector<KeySpec>& train_schema();
TrainConfig train_config_from(const Config& cfg);

}  // namespace parlance
