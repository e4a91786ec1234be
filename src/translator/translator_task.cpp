#include "translator/translator_task.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "translator/attention_picture.h"
#include "translator/decoding.h"
#include "translator/teacher_forcing.h"
#include "translator/word_vectors.h"
#include "util/error.h"
#include "util/registry.h"

namespace parlance {

std::pair<std::string, std::string> translation_streams(const std::string& direction) {
  return direction == "tgt_to_src" ? std::make_pair(std::string("tgt"), std::string("src"))
                                   : std::make_pair(std::string("src"), std::string("tgt"));
}

int64_t output_limit(const TranslatorSpec& spec, const SentencePairs& train) {
  const auto& l = train.tgt_lengths();
  return spec.max_out > 0 ? spec.max_out : l.empty() ? 1 : *std::max_element(l.begin(), l.end());
}

Seq2SeqSpec translator_spec(const TrainConfig& cfg, int64_t src_vocab, int64_t tgt_vocab, const SpecialIds& src_ids,
                            const SpecialIds& tgt_ids) {
  Seq2SeqSpec s = cfg.seq2seq;
  s.arch = cfg.model.arch;
  s.hidden = cfg.model.hidden;
  s.layers = cfg.model.layers;
  s.tie_weights = cfg.model.tie_weights;
  s.src_vocab = src_vocab;
  s.tgt_vocab = tgt_vocab;
  s.src_pad_idx = src_ids.pad;
  s.tgt_pad_idx = tgt_ids.pad;
  if (!cfg.translator.src_vectors.empty()) s.src_emb = word_vector_dim(cfg.translator.src_vectors);
  if (!cfg.translator.tgt_vectors.empty()) s.tgt_emb = word_vector_dim(cfg.translator.tgt_vectors);
  if (!seq2seq_registry().count(s.arch)) {
    std::string known;
    for (const auto& n : registry_names(seq2seq_registry())) known += (known.empty() ? "" : ", ") + n;
    throw UserError("model.arch = \"" + s.arch + "\" is not a translator; train.task = \"translator\" takes one of: " + known);
  }
  return s;
}

TranslatorTask::TranslatorTask(const TrainConfig& cfg, const TaskContext& ctx) : cfg_(cfg), ctx_(ctx), data_(cfg.data) {
  const auto [src_stream, tgt_stream] = translation_streams(cfg.translator.direction);
  if (data_.streams().size() != 2)
    throw UserError(cfg.data + ": not a parallel dataset; the translator needs one prepared with format = "
                    "\"parallel_tsv\" or \"parallel_files\"");
  src_itos_ = data_.itos(src_stream);
  target_.itos = data_.itos(tgt_stream);
  src_ids_ = SpecialIds::of(src_itos_, cfg.data + " (" + src_stream + " vocabulary)");
  target_.ids = SpecialIds::of(target_.itos, cfg.data + " (" + tgt_stream + " vocabulary)");
  train_ = SentencePairs::load(data_, cfg.train_split, src_stream, src_ids_, target_.ids);
  valid_ = SentencePairs::load(data_, cfg.valid_split, src_stream, src_ids_, target_.ids);
  if (train_.size() < cfg.bs * ctx.world)
    throw UserError(cfg.data + ": split " + cfg.train_split + " has " + std::to_string(train_.size()) +
                    " sentence pairs, fewer than one global batch (train.bs " + std::to_string(cfg.bs) + " × " +
                    std::to_string(ctx.world) + " ranks)");
  target_.max_out = output_limit(cfg.translator, train_);
  const Seq2SeqSpec spec = translator_spec(cfg, static_cast<int64_t>(src_itos_.size()),
                                           static_cast<int64_t>(target_.itos.size()), src_ids_, target_.ids);
  torch::manual_seed(cfg.seed);  // the same initial weights everywhere (rank 0's are broadcast anyway)
  model_ = make_seq2seq_model(spec);
  if (ctx.log)
    ctx.log->info("translator: {} → {}, {} training and {} validation pairs, {} per rank per step, outputs up to {} tokens",
                  src_stream, tgt_stream, train_.size(), valid_.size(), cfg.bs, target_.max_out);
  if (!ctx.resume) init_vectors();
}

void TranslatorTask::init_vectors() {
  auto load = [&](const std::string& path, torch::nn::Embedding& emb, const std::vector<std::string>& itos,
                  int64_t pad, const char* side) {
    if (path.empty()) return;
    const VectorInitReport r = init_from_vectors(emb->weight, itos, read_word_vectors(path, itos), pad);
    const std::string line = r.summary(std::string(side) + " embedding from " + path);
    if (ctx_.log) ctx_.log->info("{}", line);
    if (ctx_.rank == 0) std::printf("%s\n", line.c_str());
  };
  load(cfg_.translator.src_vectors, model_->source_embedding(), src_itos_, src_ids_.pad, "source");
  load(cfg_.translator.tgt_vectors, model_->target_embedding(), target_.itos, target_.ids.pad, "target");
}

int64_t TranslatorTask::steps_in_epoch(int64_t) const { return train_.size() / (cfg_.bs * ctx_.world); }

void TranslatorTask::begin_epoch(int64_t epoch) {
  epoch_ = epoch;
  plan_ = training_plan(train_.src_lengths(), cfg_.bs, ctx_.world, ctx_.rank, cfg_.seed, static_cast<uint64_t>(epoch));
  global_tokens_.clear();
  const auto G = static_cast<size_t>(cfg_.bs * ctx_.world);
  for (size_t start = 0; start + G <= plan_.order.size(); start += G) {
    int64_t n = 0;
    for (size_t k = start; k < start + G; ++k) n += train_.tgt_lengths()[static_cast<size_t>(plan_.order[k])];
    global_tokens_.push_back(n);
  }
}

StepLoss TranslatorTask::step(int64_t i) {
  // The batch stays on the host: the encoder and the loss count its lengths
  // there and copy the ids without waiting for the GPU (train/host_to_device.h).
  const PairBatch b = train_.batch(batch_pairs(i));
  const double p = teacher_forcing_probability(cfg_.translator.teacher_forcing_epochs, epoch_, i, steps_in_epoch(epoch_));
  const std::vector<bool> forced = teacher_forcing_draws(p, b.tgt.size(0), cfg_.seed, epoch_, i);
  const Seq2SeqLossSum loss =
      teacher_forced_loss(*model_, model_->encode(b.src), b.tgt, forced, target_.ids.bos, target_.ids.pad);
  // Σ over this rank / (global tokens / ranks): the reducer's mean over ranks
  // then gives the global batch's mean loss gradient (see the header).
  const double per_rank_share = static_cast<double>(global_tokens_[static_cast<size_t>(i)]) / ctx_.world;
  return {loss.sum / per_rank_share, loss.sum.detach().to(torch::kFloat64), loss.count};
}

MetricRow TranslatorTask::evaluate(Communicator& comm) {
  const BatchPlan plan = validation_plan(valid_.src_lengths(), cfg_.valid_bs, comm.size(), comm.rank());
  TranslationScores s = score_greedy(*model_, valid_, plan.batches, target_, ctx_.device);
  s.sum_over(comm);
  report_.clear();
  for (const auto& x : s.samples)  // this rank's first pairs (the longest sources: validation runs longest first)
    report_ += "source:    " + readable_text(valid_.source_tokens(x.pair), src_itos_) + "\nreference: " +
               readable_text(valid_.target_tokens(x.pair), target_.itos) + "\noutput:    " +
               readable_text(x.output, target_.itos) + "\n\n";
  report_svg_.clear();
  if (!s.samples.empty() && s.samples[0].attention.defined()) {
    const TranslationSample& x = s.samples[0];
    std::vector<std::string> source, output;
    for (int64_t id : valid_.source_tokens(x.pair)) source.push_back(src_itos_[static_cast<size_t>(id)]);
    source.push_back("xxeos");
    for (int64_t id : x.output) output.push_back(target_.itos[static_cast<size_t>(id)]);
    report_svg_ = attention_svg(x.attention, output, source, "attention of a validation sentence after the last epoch");
  }
  return {{"valid_loss", s.loss()}, {"accuracy", s.accuracy()}, {"bleu", s.bleu.score()}};
}

}  // namespace parlance
