#include "train/train_config.h"

#include "util/error.h"

namespace parlance {

const std::vector<KeySpec>& train_schema() {
  using K = KeyType;
  static const std::vector<KeySpec> kSchema = {
      {"model.arch", K::String, "language model architecture", {}, {}, {"awd_lstm", "rnn", "gru", "lstm"}},
      {"model.emb", K::Int, "embedding size", 1, 1e6},
      {"model.hidden", K::Int, "hidden size of the inner LSTM layers", 1, 1e6},
      {"model.layers", K::Int, "LSTM layers", 1, 64},
      {"model.drop_mult", K::Float, "multiplies every dropout", 0, 10},
      {"model.input_p", K::Float, "dropouti", 0, 0.99},
      {"model.output_p", K::Float, "dropout on the last layer's output", 0, 0.99},
      {"model.weight_p", K::Float, "DropConnect on hidden-to-hidden weights (wdrop)", 0, 0.99},
      {"model.embed_p", K::Float, "embedding dropout (dropoute)", 0, 0.99},
      {"model.hidden_p", K::Float, "dropout between layers (dropouth)", 0, 0.99},
      {"model.tie_weights", K::Bool, "decoder tied to the embedding"},
      {"train.data", K::String, "prepared dataset (.h5)"},
      {"train.run", K::String, "run folder"},
      {"train.train_split", K::String, "split to train on"},
      {"train.valid_split", K::String, "split to validate on"},
      {"train.epochs", K::Int, "epochs", 1, 1e6},
      {"train.bs", K::Int, "streams per rank", 1, 1e6},
      {"train.valid_bs", K::Int, "validation streams per rank (0: bs)", 0, 1e6},
      {"train.bptt", K::Int, "back-propagation through time length", 2, 1e6},
      {"train.variable_bptt", K::Bool, "awd-lstm variable sequence lengths"},
      {"train.lr_scale_by_seq_len", K::Bool, "scale the lr by seq_len / bptt"},
      {"train.backwards", K::Bool, "train a backward LM"},
      {"train.shuffle", K::Bool, "concatenate the training documents in a new order every epoch"},
      {"train.optimizer", K::String, "optimizer", {}, {}, {"adam", "sgd"}},
      {"train.beta2", K::Float, "Adam beta2", 0, 0.999999},
      {"train.momentum", K::Float, "SGD momentum / Adam beta1 when the schedule sets none", 0, 0.999999},
      {"train.wd", K::Float, "weight decay", 0, 10},
      {"train.true_wd", K::Bool, "decoupled weight decay (AdamW) instead of L2"},
      {"train.clip", K::Float, "gradient-norm clipping (0: off)", 0, 1e9},
      {"train.alpha", K::Float, "AR coefficient", 0, 1e3},
      {"train.beta", K::Float, "TAR coefficient", 0, 1e3},
      {"train.discriminative", K::Float, "lr divisor between consecutive layer groups (ULMFiT: 2.6)", 1, 100},
      {"train.freeze_to", K::Int, "freeze the first N layer groups", 0, 1000},
      {"train.accumulate", K::Int, "micro-batches per optimizer step", 1, 1024},
      {"train.schedule", K::String, "lr schedule", {}, {}, {"one_cycle", "stlr", "cosine", "constant"}},
      {"train.lr", K::Float, "peak learning rate", 0, 100},
      {"train.div", K::Float, "one_cycle: start lr = lr / div", 1, 1e9},
      {"train.pct_start", K::Float, "one_cycle: share of steps warming up", 0, 1},
      {"train.mom_max", K::Float, "one_cycle: momentum at the ends", 0, 0.999999},
      {"train.mom_min", K::Float, "one_cycle: momentum at the peak lr", 0, 0.999999},
      {"train.clr_div", K::Float, "stlr: lr ratio (use_clr div)", 1, 1e9},
      {"train.cut_div", K::Float, "stlr: 1 / share of steps increasing (use_clr cut_div)", 1, 1e9},
      {"train.cycle_len", K::Float, "cosine: epochs per cycle", 0.001, 1e6},
      {"train.cycle_mult", K::Float, "cosine: cycle length multiplier", 1, 100},
      {"train.seed", K::Int, "seed", 0, 9.2e18},
      {"train.threads", K::Int, "LibTorch threads per rank", 1, 1024},
      {"train.backend", K::String, "gradient communicator", {}, {}, {"auto", "mpi", "nccl"}},
      {"train.device", K::String, "where to train (auto: CUDA when available)", {}, {}, {"auto", "cpu", "cuda"}},
      {"train.precision", K::String, "mixed precision on CUDA (autocast); CPU stays fp32", {}, {}, {"fp32", "bf16", "fp16"}},
      {"train.loss_scale", K::Float, "fp16: initial dynamic loss scale", 1, 1e30},
      {"train.checkpoint_every", K::Int, "checkpoint every N steps (0: per epoch only)", 0, 1e12},
      {"train.max_steps", K::Int, "stop after N optimizer steps (0: no limit)", 0, 1e12},
      {"train.save_encoder", K::Bool, "also write RUN/encoder.pt (the encoder alone, for classifiers)"},
      {"train.init", K::String, "initial weights: a run folder or checkpoint with the same vocabulary"},
  };
  return kSchema;
}

TrainConfig train_config_from(const Config& cfg) {
  TrainConfig t;
  auto& m = t.model;
  m.arch = cfg.get_string("model.arch", m.arch);
  m.emb = cfg.get_int("model.emb", m.emb);
  m.hidden = cfg.get_int("model.hidden", m.hidden);
  m.layers = cfg.get_int("model.layers", m.layers);
  m.drop_mult = cfg.get_float("model.drop_mult", m.drop_mult);
  m.input_p = cfg.get_float("model.input_p", m.input_p);
  m.output_p = cfg.get_float("model.output_p", m.output_p);
  m.weight_p = cfg.get_float("model.weight_p", m.weight_p);
  m.embed_p = cfg.get_float("model.embed_p", m.embed_p);
  m.hidden_p = cfg.get_float("model.hidden_p", m.hidden_p);
  m.tie_weights = cfg.get_bool("model.tie_weights", m.tie_weights);
  t.data = cfg.get_string("train.data", "");
  t.run_dir = cfg.get_string("train.run", "");
  t.train_split = cfg.get_string("train.train_split", t.train_split);
  t.valid_split = cfg.get_string("train.valid_split", t.valid_split);
  t.epochs = cfg.get_int("train.epochs", t.epochs);
  t.bs = cfg.get_int("train.bs", t.bs);
  t.valid_bs = cfg.get_int("train.valid_bs", 0);
  if (t.valid_bs == 0) t.valid_bs = t.bs;
  t.bptt = cfg.get_int("train.bptt", t.bptt);
  t.variable_bptt = cfg.get_bool("train.variable_bptt", t.variable_bptt);
  t.lr_scale_by_seq_len = cfg.get_bool("train.lr_scale_by_seq_len", t.lr_scale_by_seq_len);
  t.backwards = cfg.get_bool("train.backwards", t.backwards);
  t.shuffle = cfg.get_bool("train.shuffle", t.shuffle);
  t.optimizer = cfg.get_string("train.optimizer", t.optimizer);
  t.beta2 = cfg.get_float("train.beta2", t.beta2);
  t.momentum = cfg.get_float("train.momentum", t.momentum);
  t.wd = cfg.get_float("train.wd", t.wd);
  t.true_wd = cfg.get_bool("train.true_wd", t.true_wd);
  t.clip = cfg.get_float("train.clip", t.clip);
  t.alpha = cfg.get_float("train.alpha", t.alpha);
  t.beta = cfg.get_float("train.beta", t.beta);
  t.discriminative = cfg.get_float("train.discriminative", t.discriminative);
  t.freeze_to = cfg.get_int("train.freeze_to", t.freeze_to);
  t.accumulate = cfg.get_int("train.accumulate", t.accumulate);
  auto& s = t.schedule;
  s.kind = cfg.get_string("train.schedule", s.kind);
  s.lr_max = cfg.get_float("train.lr", s.lr_max);
  s.div = cfg.get_float("train.div", s.div);
  s.pct_start = cfg.get_float("train.pct_start", s.pct_start);
  s.mom_max = cfg.get_float("train.mom_max", s.mom_max);
  s.mom_min = cfg.get_float("train.mom_min", s.mom_min);
  s.clr_div = cfg.get_float("train.clr_div", s.clr_div);
  s.cut_div = cfg.get_float("train.cut_div", s.cut_div);
  s.cycle_len = cfg.get_float("train.cycle_len", s.cycle_len);
  s.cycle_mult = cfg.get_float("train.cycle_mult", s.cycle_mult);
  t.seed = static_cast<uint64_t>(cfg.get_int("train.seed", 42));
  t.threads = cfg.get_int("train.threads", t.threads);
  t.backend = cfg.get_string("train.backend", t.backend);
  t.device = cfg.get_string("train.device", t.device);
  t.precision = cfg.get_string("train.precision", t.precision);
  t.loss_scale = cfg.get_float("train.loss_scale", t.loss_scale);
  t.checkpoint_every = cfg.get_int("train.checkpoint_every", 0);
  t.max_steps = cfg.get_int("train.max_steps", 0);
  t.save_encoder = cfg.get_bool("train.save_encoder", false);
  t.init = cfg.get_string("train.init", "");
  t.resolved_toml = cfg.to_toml();
  if (t.data.empty()) throw UserError(cfg.origin() + ": train.data is required (a prepared .h5 file)");
  return t;
}

}  // namespace parlance
