#include "translator/trained_translator.h"

#include "translator/translator_task.h"
#include "util/error.h"

namespace parlance {
namespace {

// Columns of a saved embedding: word-vector sizes decided at training time
// come from the weights, not from the vector files (which may be gone).
int64_t saved_embedding_dim(torch::serialize::InputArchive& weights, const std::string& module, const std::string& file) {
  torch::serialize::InputArchive m, emb;
  torch::Tensor w;
  if (!weights.try_read(module, m) || !m.try_read("embedding", emb) || !emb.try_read("weight", w) || w.dim() != 2)
    throw UserError(file + ": no " + module + ".embedding.weight in the checkpoint; not a translator's weights");
  return w.size(1);
}

}  // namespace

LoadedTranslator load_translator(CheckpointContents c) {
  if (c.cfg.task != "translator") throw UserError(c.file + ": a " + c.cfg.task + " run, not a translator");
  LoadedTranslator t;
  t.cfg = c.cfg;
  t.card = c.card;
  t.file = c.file;
  t.epoch = c.epoch;
  std::tie(t.src_stream, t.tgt_stream) = translation_streams(c.cfg.translator.direction);
  const auto& src_itos = t.card.stream(t.src_stream).itos;
  t.target.itos = t.card.stream(t.tgt_stream).itos;
  t.src_ids = SpecialIds::of(src_itos, c.file);
  t.target.ids = SpecialIds::of(t.target.itos, c.file);
  t.target.max_out = c.cfg.translator.max_out;
  TrainConfig cfg = c.cfg;
  cfg.translator.src_vectors.clear();
  cfg.translator.tgt_vectors.clear();
  cfg.seq2seq.src_emb = saved_embedding_dim(c.weights, "encoder", c.file);
  cfg.seq2seq.tgt_emb = saved_embedding_dim(c.weights, "decoder", c.file);
  t.model = make_seq2seq_model(translator_spec(cfg, static_cast<int64_t>(src_itos.size()),
                                               static_cast<int64_t>(t.target.itos.size()), t.src_ids, t.target.ids));
  load_weights(c, *t.model);
  t.model->eval();
  return t;
}

LoadedTranslator load_translator(const std::string& path, const std::string& data_override) {
  return load_translator(read_checkpoint(path, data_override));
}

std::vector<Translation> translate_batches(LoadedTranslator& t, const SentencePairs& pairs,
                                           const std::vector<std::vector<int64_t>>& batches, int64_t beam,
                                           int64_t max_len) {
  torch::NoGradGuard no_grad;
  std::vector<Translation> out;  // encode() takes the host batch to the model's device
  for (const auto& b : batches) {
    if (b.empty()) continue;
    const PairBatch pb = pairs.batch(b);
    for (auto& tr : beam_search(*t.model, t.model->encode(pb.src), beam, t.target.ids.bos, t.target.ids.eos, max_len))
      out.push_back(std::move(tr));
  }
  return out;
}

}  // namespace parlance
