#include "classifier/classifier_task.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "data/batch_order.h"
#include "classifier/trained_classifier.h"
#include "lm/vocab_transfer.h"
#include "train/host_to_device.h"
#include "util/error.h"

namespace parlance {

ClassifierTask::ClassifierTask(const TrainConfig& cfg, const TaskContext& ctx)
    : cfg_(cfg), ctx_(ctx), data_(cfg.data) {
  train_ = LabelledDocs::load(data_, cfg.train_split, cfg.backwards);
  valid_ = LabelledDocs::load(data_, cfg.valid_split, cfg.backwards);
  const int64_t global_bs = cfg.bs * ctx.world;
  if (train_.size() < global_bs)
    throw UserError(cfg.data + ": split " + cfg.train_split + " has " + std::to_string(train_.size()) +
                    " labelled documents, fewer than one global batch (train.bs " + std::to_string(cfg.bs) + " × " +
                    std::to_string(ctx.world) + " ranks)");
  const std::vector<std::string> itos = data_.itos();
  const std::vector<std::string> classes = data_.classes();
  LmSpec spec = classifier_encoder_spec(cfg, itos, cfg.data);
  torch::manual_seed(cfg.seed);  // the same initial weights everywhere (rank 0's are broadcast anyway)
  model_ = std::make_shared<TextClassifier>(spec, cfg.head, static_cast<int64_t>(classes.size()));
  model_->set_communicator(ctx.comm);
  last_valid_ = ClassMetrics(static_cast<int64_t>(classes.size()));
  if (ctx.log)
    ctx.log->info("classifier: {} classes, {} training and {} validation documents, {} per rank per step",
                  classes.size(), train_.size(), valid_.size(), cfg.bs);
  if (!cfg.init.empty() && !ctx.resume) {
    TransferReport r = init_from_pretrained(cfg.init, *model_, {"encoder.embedding"}, spec, itos);
    if (ctx.log) ctx.log->info("{}", r.summary());
    if (ctx.rank == 0) std::printf("%s\n", r.summary().c_str());
  }
}

int64_t ClassifierTask::steps_in_epoch(int64_t) const { return train_.size() / (cfg_.bs * ctx_.world); }

namespace {

// Losses in at least fp32 under autocast.
torch::Tensor at_least_fp32(const torch::Tensor& t) {
  return t.scalar_type() == torch::kHalf || t.scalar_type() == torch::kBFloat16 ? t.to(torch::kFloat32) : t;
}

}  // namespace

ClassifierLoss classifier_loss(const ClassifierOutput& out, const torch::Tensor& labels, double alpha, double beta) {
  const torch::Tensor ce = torch::nn::functional::cross_entropy(at_least_fp32(out.logits), labels);
  torch::Tensor objective = ce;
  const torch::Tensor h = at_least_fp32(out.out);
  if (alpha > 0) objective = objective + alpha * h.pow(2).mean();
  if (beta > 0 && h.size(0) > 1)
    objective = objective + beta * (h.narrow(0, 1, h.size(0) - 1) - h.narrow(0, 0, h.size(0) - 1)).pow(2).mean();
  return {objective, ce};
}

void ClassifierTask::begin_epoch(int64_t epoch) {
  plan_ = training_plan(train_.lengths(), cfg_.bs, ctx_.world, ctx_.rank, cfg_.seed, static_cast<uint64_t>(epoch));
}

StepLoss ClassifierTask::step(int64_t i) {
  DocBatch b = train_.batch(batch_docs(i), model_->pad_idx(), plan_.pad_to[static_cast<size_t>(i)]);
  const torch::Tensor y = to_device(b.labels, ctx_.device);
  ClassifierLoss loss = classifier_loss(model_->forward(to_device(b.tokens, ctx_.device), cfg_.bptt, cfg_.max_len), y,
                                        cfg_.alpha, cfg_.beta);
  const int64_t n = y.size(0);
  return {loss.objective, loss.ce.detach().to(torch::kFloat64) * static_cast<double>(n), n};
}

MetricRow ClassifierTask::evaluate(Communicator& comm) {
  // Validation in length order (SortSampler), every rank a slice of each global batch.
  const BatchPlan plan = validation_plan(valid_.lengths(), cfg_.valid_bs, comm.size(), comm.rank());
  ClassProbabilities p = class_probabilities(*model_, valid_, plan.batches, cfg_.bptt, cfg_.max_len, ctx_.device, plan.pad_to);
  ClassMetrics m(model_->n_classes());
  m.add(p.probs, p.labels);
  m.sum_over(comm);
  last_valid_ = m;
  return {{"valid_loss", m.loss()}, {"accuracy", m.accuracy()}, {"f1", m.macro_f1()}};
}

std::string ClassifierTask::report() const { return last_valid_.report(data_.classes()); }
std::string ClassifierTask::report_svg() const { return last_valid_.confusion_svg(data_.classes(), "validation, last epoch"); }

}  // namespace parlance
