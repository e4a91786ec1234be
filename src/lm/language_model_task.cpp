#include "lm/language_model_task.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

#include "lm/lm_loss.h"
#include "lm/vocab_transfer.h"
#include "train/checkpoint.h"
#include "train/host_to_device.h"

namespace parlance {

LmSums evaluate_lm(LanguageModel& model, const RankStreams& streams, int64_t bptt) {
  torch::NoGradGuard no_grad;
  model.eval();
  const torch::Device device = model.parameters().front().device();
  LmState state = model.initial_state(streams.bs(), device);
  // Summed on the device (fp64) and read once at the end.
  torch::Tensor loss = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  torch::Tensor correct = torch::zeros({}, loss.options());
  double tokens = 0;
  for (const auto& st : bptt_steps(streams.stream_len(), bptt, false, 0, 0)) {
    auto x = to_device(streams.inputs(st.pos, st.seq_len), device), y = to_device(streams.targets(st.pos, st.seq_len), device);
    auto logits = model.forward(x, state).logits();
    logits = logits.reshape({-1, logits.size(-1)});
    auto yy = y.reshape({-1});
    loss.add_(torch::nn::functional::cross_entropy(logits, yy,
                                                   torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                  .to(torch::kFloat64));
    correct.add_((logits.argmax(1) == yy).sum());
    tokens += static_cast<double>(yy.numel());
  }
  return {loss.item<double>(), correct.item<double>(), tokens};
}

LmSums allreduce_sums(Communicator& comm, LmSums s) {
  const auto all = sum_over_ranks(comm, {s.loss, s.correct, s.tokens});
  return {all[0], all[1], all[2]};
}

MetricRow lm_metrics(const LmSums& s) {
  const double loss = s.loss / std::max(s.tokens, 1.0);
  return {{"valid_loss", loss}, {"accuracy", s.correct / std::max(s.tokens, 1.0)}, {"perplexity", std::exp(loss)}};
}

LanguageModelTask::LanguageModelTask(const TrainConfig& cfg, int rank, int world, torch::Device device, bool resume,
                                     spdlog::logger* log)
    : cfg_(cfg), device_(device), data_(cfg.data) {
  const auto n_train = static_cast<int64_t>(data_.n_tokens(cfg.train_split));
  const auto n_valid = static_cast<int64_t>(data_.n_tokens(cfg.valid_split));
  train_plan_ = plan_streams(n_train, world, rank, cfg.bs, cfg.backwards);
  train_ = cfg.shuffle ? RankStreams::load_shuffled(data_, cfg.train_split, train_plan_, cfg.bs, cfg.seed, 0)
                       : RankStreams::load(data_, cfg.train_split, train_plan_, cfg.bs);
  valid_ = RankStreams::load(data_, cfg.valid_split, plan_streams(n_valid, world, rank, cfg.valid_bs, cfg.backwards),
                             cfg.valid_bs);
  if (log)
    log->info("train streams {} x {} tokens, valid {} x {}; device {}, precision {}", cfg.bs, train_.stream_len(),
              cfg.valid_bs, valid_.stream_len(), device.str(), cfg.precision);
  if (train_.stream_len() <= cfg.bptt + 1 && rank == 0) {  // legal, but almost surely not what was meant
    const std::string why = "train.bptt = " + std::to_string(cfg.bptt) + " is not shorter than each of the " +
                            std::to_string(cfg.bs) + " training streams (" + std::to_string(train_.stream_len()) +
                            " tokens each with " + std::to_string(world) +
                            " rank(s)): every epoch is a single step; lower train.bptt or train.bs";
    std::fprintf(stderr, "parlance: warning: %s\n", why.c_str());
    if (log) log->warn("{}", why);
  }
  const std::vector<std::string> itos = data_.itos();
  LmSpec spec = cfg.model;
  spec.vocab = static_cast<int64_t>(itos.size());
  torch::manual_seed(cfg.seed);  // the same initial weights everywhere (rank 0's are broadcast anyway)
  model_ = make_language_model(spec);
  if (!cfg.init.empty() && !resume) {
    TransferReport r = init_from_pretrained(cfg.init, *model_, model_->vocab_parameter_names(), spec, itos);
    if (log) log->info("{}", r.summary());
    if (rank == 0) std::printf("%s\n", r.summary().c_str());
  }
}

int64_t LanguageModelTask::steps_in_epoch(int64_t epoch) const {
  return static_cast<int64_t>(
      bptt_steps(train_.stream_len(), cfg_.bptt, cfg_.variable_bptt, cfg_.seed, static_cast<uint64_t>(epoch)).size());
}

void LanguageModelTask::begin_epoch(int64_t epoch) {
  if (cfg_.shuffle && epoch != streams_epoch_) {
    train_ = RankStreams::load_shuffled(data_, cfg_.train_split, train_plan_, cfg_.bs, cfg_.seed,
                                        static_cast<uint64_t>(epoch));
    streams_epoch_ = epoch;
  }
  steps_ = bptt_steps(train_.stream_len(), cfg_.bptt, cfg_.variable_bptt, cfg_.seed, static_cast<uint64_t>(epoch));
  state_ = model_->initial_state(cfg_.bs, device_);
}

StepLoss LanguageModelTask::step(int64_t i) {
  const BpttStep& st = steps_[static_cast<size_t>(i)];
  for (auto& t : state_) t = t.detach();  // carry the state, not its history
  auto x = to_device(train_.inputs(st.pos, st.seq_len), device_), y = to_device(train_.targets(st.pos, st.seq_len), device_);
  LmLoss loss = lm_loss(model_->forward(x, state_), y, cfg_.alpha, cfg_.beta);
  const int64_t n = y.numel();
  return {loss.total, loss.ce.to(torch::kFloat64) * static_cast<double>(n), n};
}

double LanguageModelTask::lr_factor(int64_t i) const {
  if (!cfg_.lr_scale_by_seq_len) return 1.0;
  return static_cast<double>(steps_[static_cast<size_t>(i)].seq_len) / static_cast<double>(cfg_.bptt);
}

MetricRow LanguageModelTask::evaluate(Communicator& comm) {
  return lm_metrics(allreduce_sums(comm, evaluate_lm(*model_, valid_, cfg_.bptt)));
}

std::vector<std::string> LanguageModelTask::state_names() const {
  std::vector<std::string> names;
  for (size_t k = 0; k < model_->initial_state(1, torch::kCPU).size(); ++k) names.push_back("state" + std::to_string(k));
  return names;
}

ResumeState LanguageModelTask::save_state(Communicator& comm) {
  ResumeState x;
  for (size_t k = 0; k < state_.size(); ++k) x["state" + std::to_string(k)] = gather_on_host(comm, state_[k]);
  return x;
}

void LanguageModelTask::restore_state(const ResumeState& all_ranks, int rank) {
  for (size_t k = 0; k < state_.size(); ++k) state_[k] = all_ranks.at("state" + std::to_string(k))[rank].to(device_);
}

}  // namespace parlance
