// A second task, written here and nowhere else, trains through the generic
// loop with no edit of the loop: a 2-class bag-of-embeddings classifier on
// generated documents ("does token 3 occur more often than token 4?").
// Runs under mpirun with 1 and 2 ranks. Also covers the loop's resume, the
// metrics log's task columns and the session's freezing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "train/trainer.h"
#include "util/error.h"

namespace parlance {
namespace {

class BagClassifier : public Model {
 public:
  BagClassifier() {
    emb_ = register_module("emb", torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(8, 6).mode(torch::kMean)));
    head_ = register_module("head", torch::nn::Linear(6, 2));
  }
  torch::Tensor forward(const torch::Tensor& docs) { return head_->forward(emb_->forward(docs)); }
  ParamGroups layer_groups() override { return {emb_->parameters(), head_->parameters()}; }

 private:
  torch::nn::EmbeddingBag emb_{nullptr};
  torch::nn::Linear head_{nullptr};
};

// Documents of 12 tokens from {0..7}; label 1 when token 3 outnumbers token 4.
std::pair<torch::Tensor, torch::Tensor> make_docs(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto docs = torch::randint(0, 8, {n, 12}, gen, torch::kInt64);
  auto labels = ((docs == 3).sum(1) > (docs == 4).sum(1)).to(torch::kInt64);
  return {docs, labels};
}

class ToyClassifierTask : public Task {
 public:
  ToyClassifierTask(int rank, int world, int64_t global_bs) : rank_(rank), world_(world), bs_(global_bs / world) {
    std::tie(train_x_, train_y_) = make_docs(512, 1);
    std::tie(valid_x_, valid_y_) = make_docs(256, 2);
    torch::manual_seed(7);
    model_ = std::make_shared<BagClassifier>();
  }
  std::shared_ptr<Model> model() override { return model_; }
  std::string count_unit() const override { return "docs"; }
  // Every rank: the same number of global batches (lock-step).
  int64_t steps_in_epoch(int64_t) const override { return train_x_.size(0) / (bs_ * world_); }
  void begin_epoch(int64_t epoch) override {
    auto gen = at::detail::createCPUGenerator(100 + static_cast<uint64_t>(epoch));  // the same order on every rank
    order_ = torch::randperm(train_x_.size(0), gen, torch::kInt64);
  }
  StepLoss step(int64_t i) override {
    // Global batch i, this rank's slice of it.
    auto idx = order_.narrow(0, (i * world_ + rank_) * bs_, bs_);
    auto loss = torch::nn::functional::cross_entropy(static_cast<BagClassifier&>(*model_).forward(train_x_.index_select(0, idx)),
                                                     train_y_.index_select(0, idx));
    return {loss, loss.detach().to(torch::kFloat64) * static_cast<double>(bs_), bs_};
  }
  MetricRow evaluate(Communicator& comm) override {
    torch::NoGradGuard g;
    model_->eval();
    auto logits = static_cast<BagClassifier&>(*model_).forward(valid_x_);
    auto ce = torch::nn::functional::cross_entropy(
        logits, valid_y_, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    torch::Tensor s = torch::stack({ce.to(torch::kFloat64), (logits.argmax(1) == valid_y_).sum().to(torch::kFloat64)});
    comm.allreduce(s, ReduceOp::Avg);  // every rank evaluated the whole (small) split
    const double n = static_cast<double>(valid_x_.size(0));
    return {{"valid_loss", s[0].item<double>() / n}, {"accuracy", s[1].item<double>() / n}};
  }

 private:
  int rank_, world_;
  int64_t bs_;
  torch::Tensor train_x_, train_y_, valid_x_, valid_y_, order_;
  std::shared_ptr<BagClassifier> model_;
};

SessionOptions adam(double lr) {
  SessionOptions o;
  o.optimizer.lr = lr;
  o.optimizer.wd = 0;
  return o;
}

LoopSpec spec_in(const std::string& name, int64_t epochs) {
  LoopSpec s;
  s.stages[0].epochs = epochs;
  s.stages[0].schedule.kind = "constant";
  s.stages[0].schedule.lr_max = 0.05;
  s.run_dir = (std::filesystem::temp_directory_path() / ("parlance_toy_" + name + "_np" + std::to_string(mpi::size())))
                  .string();
  if (mpi::rank() == 0) std::filesystem::remove_all(s.run_dir);
  mpi::barrier();
  return s;
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST(GenericLoop, TrainsASecondTaskWithItsOwnMetricColumns) {
  auto comm = make_communicator("mpi");
  ToyClassifierTask task(comm->rank(), comm->size(), 32);
  TrainSession ses(*comm, task.model(), torch::kCPU, adam(0.05));
  auto spec = spec_in("train", 6);
  auto history = train(task, ses, *comm, spec, /*resume=*/false);
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history.back()[0].first, "epoch");
  EXPECT_EQ(history.back()[2].first, "valid_loss");
  EXPECT_EQ(history.back()[3].first, "accuracy");
  EXPECT_GE(history.back()[3].second, 0.9);
  EXPECT_LT(history.back()[1].second, history.front()[1].second);  // train loss fell
  if (comm->rank() == 0) {
    auto rows = read_jsonl(spec.run_dir + "/metrics.jsonl");
    ASSERT_EQ(rows.size(), 6u);
    EXPECT_EQ(rows.back()["ranks"], comm->size());
    EXPECT_TRUE(rows.back().contains("docs_per_s"));
    EXPECT_DOUBLE_EQ(rows.back()["accuracy"].get<double>(), history.back()[3].second);
    EXPECT_TRUE(std::filesystem::exists(spec.run_dir + "/checkpoints/last.pt"));
  }
}

TEST(GenericLoop, ResumesTheSecondTaskExactly) {
  auto comm = make_communicator("mpi");
  ToyClassifierTask uninterrupted(comm->rank(), comm->size(), 32);
  {
    TrainSession ses(*comm, uninterrupted.model(), torch::kCPU, adam(0.05));
    train(uninterrupted, ses, *comm, spec_in("whole", 3), false);
  }
  auto whole = uninterrupted.model()->parameters();
  // Interrupted mid-epoch 1 (16 steps per epoch), then resumed to the end.
  {
    ToyClassifierTask task(comm->rank(), comm->size(), 32);
    TrainSession ses(*comm, task.model(), torch::kCPU, adam(0.05));
    auto spec = spec_in("parts", 3);
    spec.max_steps = 21;
    train(task, ses, *comm, spec, false);
    ToyClassifierTask task2(comm->rank(), comm->size(), 32);
    TrainSession ses2(*comm, task2.model(), torch::kCPU, adam(0.05));
    spec.max_steps = 0;
    train(task2, ses2, *comm, spec, /*resume=*/true);
    auto resumed = task2.model()->parameters();
    ASSERT_EQ(resumed.size(), whole.size());
    for (size_t k = 0; k < whole.size(); ++k) EXPECT_TRUE(torch::equal(resumed[k], whole[k])) << "parameter " << k;
  }
}

TEST(TrainSession, FreezingKeepsGroupsFixedAndUnfreezingRebuildsTheReducer) {
  auto comm = make_communicator("mpi");
  ToyClassifierTask task(comm->rank(), comm->size(), 32);
  SessionOptions o = adam(0.05);
  o.freeze_to = 1;  // the embedding stays, the head trains
  TrainSession ses(*comm, task.model(), torch::kCPU, o);
  auto groups = task.model()->layer_groups();
  auto emb0 = groups[0][0].detach().clone(), head0 = groups[1][0].detach().clone();
  task.begin_epoch(0);
  auto one_step = [&](int64_t i) {
    ses.backward(task.step(i).objective, true);
    ses.optimizer_step();
  };
  for (int64_t i = 0; i < 3; ++i) one_step(i);
  EXPECT_TRUE(torch::equal(groups[0][0], emb0));
  EXPECT_FALSE(torch::equal(groups[1][0], head0));
  ses.freeze_to(0);  // gradual unfreezing: everything trains, buckets rebuilt on every rank
  EXPECT_EQ(ses.frozen_groups(), 0);
  for (int64_t i = 3; i < 6; ++i) one_step(i);
  EXPECT_FALSE(torch::equal(groups[0][0], emb0));
  // The replicas stayed identical: rank 0's embedding everywhere.
  torch::Tensor mine = groups[0][0].detach().clone(), theirs = mine.clone();
  comm->broadcast(theirs, 0);
  EXPECT_TRUE(torch::equal(mine, theirs));
}

// Gradual unfreezing as recipe stages: the head alone for an epoch (one_cycle
// of its own), then everything for two epochs with discriminative rates.
LoopSpec two_stages(const std::string& name) {
  LoopSpec s = spec_in(name, 1);
  s.stages[0].freeze_to = -1;
  s.stages[0].schedule.kind = "one_cycle";
  LoopStage all = s.stages[0];
  all.epochs = 2;
  all.freeze_to = 0;
  all.discriminative = 2.6;
  all.schedule.lr_max = 0.02;
  s.stages.push_back(all);
  return s;
}

TEST(GenericLoop, StagesFreezeWhatTheySayAndResumeExactlyAcrossTheirBoundary) {
  auto comm = make_communicator("mpi");
  ToyClassifierTask task(comm->rank(), comm->size(), 32);
  TrainSession ses(*comm, task.model(), torch::kCPU, adam(0.05));
  auto emb0 = task.model()->layer_groups()[0][0].detach().clone();
  auto spec = two_stages("stages");
  spec.max_steps = 16;  // the first stage's one epoch
  train(task, ses, *comm, spec, false);
  EXPECT_EQ(ses.frozen_groups(), 1);
  EXPECT_TRUE(torch::equal(task.model()->layer_groups()[0][0], emb0)) << "stage 0 froze the embedding";
  spec.max_steps = 0;
  auto history = train(task, ses, *comm, spec, /*resume=*/true);
  EXPECT_EQ(ses.frozen_groups(), 0);
  EXPECT_FALSE(torch::equal(task.model()->layer_groups()[0][0], emb0)) << "stage 1 trained the embedding";
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0][1], (std::pair<std::string, double>("stage", 1)));
  // The same three epochs without interruption, and interrupted mid-stage 1.
  ToyClassifierTask whole(comm->rank(), comm->size(), 32), parts(comm->rank(), comm->size(), 32);
  {
    TrainSession s(*comm, whole.model(), torch::kCPU, adam(0.05));
    train(whole, s, *comm, two_stages("stages_whole"), false);
  }
  {
    auto sp = two_stages("stages_parts");
    sp.max_steps = 21;
    TrainSession s(*comm, parts.model(), torch::kCPU, adam(0.05));
    train(parts, s, *comm, sp, false);
    ToyClassifierTask resumed(comm->rank(), comm->size(), 32);
    TrainSession s2(*comm, resumed.model(), torch::kCPU, adam(0.05));
    sp.max_steps = 0;
    train(resumed, s2, *comm, sp, true);
    auto a = whole.model()->parameters(), b = resumed.model()->parameters(), c = task.model()->parameters();
    for (size_t k = 0; k < a.size(); ++k) {
      EXPECT_TRUE(torch::equal(a[k], b[k])) << "mid-stage resume, parameter " << k;
      EXPECT_TRUE(torch::equal(a[k], c[k])) << "resume at the stage boundary, parameter " << k;
    }
  }
  if (comm->rank() == 0) {
    auto rows = read_jsonl((std::filesystem::temp_directory_path() /
                            ("parlance_toy_stages_np" + std::to_string(comm->size())) / "metrics.jsonl")
                               .string());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["stage"], 0);
    EXPECT_EQ(rows[2]["stage"], 1);
  }
}

TEST(GenericLoop, NonFiniteLossIsARecipeError) {
  auto comm = make_communicator("mpi");
  ToyClassifierTask task(comm->rank(), comm->size(), 32);
  TrainSession ses(*comm, task.model(), torch::kCPU, adam(1e30));  // diverges at once
  auto spec = spec_in("nan", 2);
  spec.stages[0].schedule.lr_max = 1e30;
  try {
    train(task, ses, *comm, spec, false);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("train.lr"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace parlance
