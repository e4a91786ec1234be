#include "train/train_config.h"

#include "train/task_registry.h"
#include "util/error.h"
#include "util/recipe_keys.h"
#include "util/registry.h"

namespace parlance {
namespace {

using recipe::key;
using T = TrainConfig;

std::vector<std::string> model_arch_names() {
  std::vector<std::string> names = registry_names(lm_registry());
  for (const auto& n : registry_names(seq2seq_registry())) names.push_back(n);
  return names;
}

// Every [model] and [train] key, once. Defaults: the members' initializers in train_config.h.
const std::vector<recipe::Key<T>>& train_keys() {
  static const std::vector<recipe::Key<T>> keys = {
      key("model.arch", &T::model, &LmSpec::arch, "model architecture", {}, model_arch_names()),
      key("model.emb", &T::model, &LmSpec::emb, "embedding size", {1, 1e6}),
      key("model.hidden", &T::model, &LmSpec::hidden, "hidden size of the inner LSTM layers", {1, 1e6}),
      key("model.layers", &T::model, &LmSpec::layers, "LSTM layers", {1, 64}),
      key("model.drop_mult", &T::model, &LmSpec::drop_mult, "multiplies every dropout", {0, 10}),
      key("model.input_p", &T::model, &LmSpec::input_p, "dropouti", {0, 0.99}),
      key("model.output_p", &T::model, &LmSpec::output_p, "dropout on the last layer's output", {0, 0.99}),
      key("model.weight_p", &T::model, &LmSpec::weight_p, "DropConnect on hidden-to-hidden weights (wdrop)", {0, 0.99}),
      key("model.embed_p", &T::model, &LmSpec::embed_p, "embedding dropout (dropoute)", {0, 0.99}),
      key("model.hidden_p", &T::model, &LmSpec::hidden_p, "dropout between layers (dropouth)", {0, 0.99}),
      key("model.tie_weights", &T::model, &LmSpec::tie_weights, "decoder tied to the embedding"),
      key("model.head_hidden", &T::head, &HeadSpec::hidden, "classifier: hidden sizes of the head (fastai's lin_ftrs)"),
      key("model.head_p", &T::head, &HeadSpec::p, "classifier: dropout before each hidden block but the first (fastai's ps)", {0, 0.99}),
      key("model.src_emb", &T::seq2seq, &Seq2SeqSpec::src_emb, "translator: source embedding size (the vectors' when model.src_vectors is set)", {1, 1e6}),
      key("model.tgt_emb", &T::seq2seq, &Seq2SeqSpec::tgt_emb, "translator: target embedding and decoder size (the vectors' when model.tgt_vectors is set)", {1, 1e6}),
      key("model.bidirectional", &T::seq2seq, &Seq2SeqSpec::bidirectional, "translator: bidirectional GRU encoder"),
      key("model.enc_embed_p", &T::seq2seq, &Seq2SeqSpec::enc_embed_p, "translator: dropout on the source embeddings", {0, 0.99}),
      key("model.enc_hidden_p", &T::seq2seq, &Seq2SeqSpec::enc_hidden_p, "translator: dropout between encoder GRU layers", {0, 0.99}),
      key("model.bridge_p", &T::seq2seq, &Seq2SeqSpec::bridge_p, "translator: dropout on the encoder's final state", {0, 0.99}),
      key("model.dec_hidden_p", &T::seq2seq, &Seq2SeqSpec::dec_hidden_p, "translator: dropout between decoder GRU layers", {0, 0.99}),
      key("model.dec_output_p", &T::seq2seq, &Seq2SeqSpec::dec_output_p, "translator: dropout before the output layer", {0, 0.99}),
      key("model.src_vectors", &T::translator, &TranslatorSpec::src_vectors, "translator: source word vectors (fastText .vec/.bin)"),
      key("model.tgt_vectors", &T::translator, &TranslatorSpec::tgt_vectors, "translator: target word vectors (fastText .vec/.bin)"),
      key("train.direction", &T::translator, &TranslatorSpec::direction, "translator: source → target", {}, {"src_to_tgt", "tgt_to_src"}),
      key("train.teacher_forcing_epochs", &T::translator, &TranslatorSpec::teacher_forcing_epochs, "translator: teacher forcing falls from 1 to 0 over these epochs (0: off)", {0, 1e6}),
      key("train.max_out", &T::translator, &TranslatorSpec::max_out, "translator: longest decoded output (0: longest training target)", {0, 1e6}),
      key("train.task", &T::task, "what to train", {}, registry_names(task_registry())),
      key("train.data", &T::data, "prepared dataset (.h5)"),
      key("train.run", &T::run_dir, "run folder"),
      key("train.train_split", &T::train_split, "split to train on"),
      key("train.valid_split", &T::valid_split, "split to validate on"),
      key("train.epochs", &T::epochs, "epochs", {1, 1e6}),
      key("train.bs", &T::bs, "streams per rank", {1, 1e6}),
      key("train.valid_bs", &T::valid_bs, "validation streams per rank (0: bs)", {0, 1e6}),
      key("train.bptt", &T::bptt, "back-propagation through time length", {2, 1e6}),
      key("train.max_len", &T::max_len, "classifier: gradients reach the last max_len tokens of a document", {1, 1e9}),
      key("train.variable_bptt", &T::variable_bptt, "awd-lstm variable sequence lengths"),
      key("train.lr_scale_by_seq_len", &T::lr_scale_by_seq_len, "scale the lr by seq_len / bptt"),
      key("train.backwards", &T::backwards, "train a backward LM"),
      key("train.shuffle", &T::shuffle, "concatenate the training documents in a new order every epoch"),
      key("train.optimizer", &T::optimizer, "optimizer", {}, {"adam", "sgd"}),
      key("train.beta2", &T::beta2, "Adam beta2", {0, 0.999999}),
      key("train.momentum", &T::momentum, "SGD momentum / Adam beta1 when the schedule sets none", {0, 0.999999}),
      key("train.wd", &T::wd, "weight decay", {0, 10}),
      key("train.true_wd", &T::true_wd, "decoupled weight decay (AdamW) instead of L2"),
      key("train.clip", &T::clip, "gradient-norm clipping (0: off)", {0, 1e9}),
      key("train.alpha", &T::alpha, "AR coefficient", {0, 1e3}),
      key("train.beta", &T::beta, "TAR coefficient", {0, 1e3}),
      key("train.discriminative", &T::discriminative, "lr divisor between consecutive layer groups (ULMFiT: 2.6)", {1, 100}),
      key("train.freeze_to", &T::freeze_to, "freeze the first N layer groups (negative: all but the last -N)", {-1000, 1000}),
      key("train.accumulate", &T::accumulate, "micro-batches per optimizer step", {1, 1024}),
      key("train.schedule", &T::schedule, &ScheduleSpec::kind, "lr schedule", {}, {"one_cycle", "stlr", "cosine", "constant"}),
      key("train.lr", &T::schedule, &ScheduleSpec::lr_max, "peak learning rate", {0, 100}),
      key("train.div", &T::schedule, &ScheduleSpec::div, "one_cycle: start lr = lr / div", {1, 1e9}),
      key("train.pct_start", &T::schedule, &ScheduleSpec::pct_start, "one_cycle: share of steps warming up", {0, 1}),
      key("train.mom_max", &T::schedule, &ScheduleSpec::mom_max, "one_cycle: momentum at the ends", {0, 0.999999}),
      key("train.mom_min", &T::schedule, &ScheduleSpec::mom_min, "one_cycle: momentum at the peak lr", {0, 0.999999}),
      key("train.clr_div", &T::schedule, &ScheduleSpec::clr_div, "stlr: lr ratio (use_clr div)", {1, 1e9}),
      key("train.cut_div", &T::schedule, &ScheduleSpec::cut_div, "stlr: 1 / share of steps increasing (use_clr cut_div)", {1, 1e9}),
      key("train.cycle_len", &T::schedule, &ScheduleSpec::cycle_len, "cosine: epochs per cycle", {0.001, 1e6}),
      key("train.cycle_mult", &T::schedule, &ScheduleSpec::cycle_mult, "cosine: cycle length multiplier", {1, 100}),
      key("train.seed", &T::seed, "seed", {0, 9.2e18}),
      key("train.threads", &T::threads, "LibTorch threads per rank", {1, 1024}),
      key("train.backend", &T::backend, "gradient communicator", {}, {"auto", "mpi", "nccl"}),
      key("train.device", &T::device, "where to train (auto: CUDA when available)", {}, {"auto", "cpu", "cuda"}),
      key("train.precision", &T::precision, "mixed precision on CUDA (autocast); CPU stays fp32", {}, {"fp32", "bf16", "fp16"}),
      key("train.loss_scale", &T::loss_scale, "fp16: initial dynamic loss scale", {1, 1e30}),
      key("train.checkpoint_every", &T::checkpoint_every, "checkpoint every N steps (0: per epoch only)", {0, 1e12}),
      key("train.log_every", &T::log_every, "log the training loss to RUN/steps.jsonl every N steps (0: never)", {0, 1e12}),
      key("train.collective_timeout", &T::collective_timeout,
          "seconds a rank may wait for the others in one collective before the job ends (a stopped or hung peer; 0: forever)",
          {0, 1e9}),
      key("train.max_steps", &T::max_steps, "stop after N optimizer steps (0: no limit)", {0, 1e12}),
      key("train.save_encoder", &T::save_encoder, "also write RUN/encoder.pt (the encoder alone, for classifiers)"),
      key("train.init", &T::init, "initial weights: a run folder, checkpoint or encoder.pt (rows remapped by token when the vocabulary differs)"),
  };
  return keys;
}

using S = StageSpec;

// [[stage]] keys; a stage's defaults are the recipe's train.* values.
const std::vector<recipe::Key<S>>& stage_keys() {
  static const std::vector<recipe::Key<S>> keys = {
      key("stage.epochs", &S::epochs, "epochs of this stage", {1, 1e6}),
      key("stage.freeze_to", &S::freeze_to, "freeze the first N layer groups (negative: all but the last -N)", {-1000, 1000}),
      key("stage.lr", &S::lr, "peak learning rate of the top layer group", {0, 100}),
      key("stage.discriminative", &S::discriminative, "lr divisor between consecutive layer groups (ULMFiT: 2.6)", {1, 100}),
  };
  return keys;
}

std::vector<StageSpec> read_stages(const Config& cfg, const TrainConfig& t) {
  const StageSpec defaults{t.epochs, t.freeze_to, t.schedule.lr_max, t.discriminative};
  std::vector<StageSpec> stages;
  for (const Config& table : cfg.tables("stage")) {
    StageSpec s = defaults;
    recipe::read_all(stage_keys(), table, s);
    stages.push_back(s);
  }
  if (stages.empty()) return {defaults};
  if (cfg.has("train.epochs"))
    throw UserError(cfg.origin() + ": train.epochs and [[stage]] tables both given; with stages, each [[stage]] "
                    "sets its own epochs");
  return stages;
}

}  // namespace

int64_t TrainConfig::total_epochs() const {
  int64_t n = 0;
  for (const auto& s : stages) n += s.epochs;
  return n;
}

const std::vector<KeySpec>& train_schema() {
  static const std::vector<KeySpec> schema = [] {
    std::vector<KeySpec> all = recipe::schema_of(train_keys());
    for (const auto& k : recipe::schema_of(stage_keys())) all.push_back(k);
    return all;
  }();
  return schema;
}

TrainConfig train_config_from(const Config& cfg) {
  TrainConfig t;
  recipe::read_all(train_keys(), cfg, t);
  if (t.valid_bs == 0) t.valid_bs = t.bs;
  t.stages = read_stages(cfg, t);
  t.resolved_toml = cfg.to_toml();
  if (t.data.empty()) throw UserError(cfg.origin() + ": train.data is required (a prepared .h5 file)");
  return t;
}

}  // namespace parlance
