// Every recipe in configs/ is valid against its schema (a typo in a shipped
// recipe fails here, not in a user's job).
#include <gtest/gtest.h>

#include <filesystem>

#include "data/prep_config.h"
#include "train/train_config.h"
#include "util/config.h"
#include "util/error.h"

namespace parlance {
namespace {

TEST(Recipes, AllShippedRecipesParse) {
  int prep = 0, train = 0;
  for (const auto& e : std::filesystem::directory_iterator("configs")) {
    const std::string path = e.path().string();
    if (e.path().extension() != ".toml") continue;
    if (path.find("_prep.toml") != std::string::npos) {
      EXPECT_NO_THROW(prep_config_from(Config::load(path, {}, prep_schema()), "")) << path;
      ++prep;
    } else {
      EXPECT_NO_THROW(train_config_from(Config::load(path, {}, train_schema()))) << path;
      ++train;
    }
  }
  EXPECT_GE(prep, 7);
  EXPECT_GE(train, 5);
}

}  // namespace
}  // namespace parlance

namespace parlance {
namespace {

std::string error_of(const std::string& toml, const std::vector<std::string>& overrides = {}) {
  try {
    train_config_from(Config::parse(toml, "r.toml", overrides, train_schema()));
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const char* kStaged = R"(
[train]
data = "x.h5"
lr = 0.05
discriminative = 2.6
[[stage]]
freeze_to = -1
lr = 0.02
[[stage]]
freeze_to = -2
[[stage]]
epochs = 2
freeze_to = 0
lr = 0.001
discriminative = 3.0
)";

TEST(Recipes, StageTablesInheritTrainValuesAndKeepTheirOrder) {
  TrainConfig t = train_config_from(Config::parse(kStaged, "r.toml", {}, train_schema()));
  ASSERT_EQ(t.stages.size(), 3u);
  EXPECT_EQ(t.stages[0].freeze_to, -1);
  EXPECT_EQ(t.stages[0].lr, 0.02);
  EXPECT_EQ(t.stages[0].epochs, 1);
  EXPECT_EQ(t.stages[1].lr, 0.05);  // train.lr
  EXPECT_EQ(t.stages[1].discriminative, 2.6);
  EXPECT_EQ(t.stages[2].epochs, 2);
  EXPECT_EQ(t.stages[2].discriminative, 3.0);
  EXPECT_EQ(t.total_epochs(), 4);
  // Without stages: one, from train.*.
  TrainConfig one = train_config_from(Config::parse("[train]\ndata = \"x.h5\"\nepochs = 3\nfreeze_to = 2\n", "r.toml", {}, train_schema()));
  ASSERT_EQ(one.stages.size(), 1u);
  EXPECT_EQ(one.stages[0].epochs, 3);
  EXPECT_EQ(one.stages[0].freeze_to, 2);
}

TEST(Recipes, StageMistakesNameTheTableAndKey) {
  std::string e = error_of(std::string(kStaged) + "[[stage]]\nlrr = 1.0\n");
  EXPECT_NE(e.find("r.toml ([[stage]] #4): unknown key stage.lrr"), std::string::npos) << e;
  e = error_of(std::string(kStaged) + "[[stage]]\nepochs = 0\n");
  EXPECT_NE(e.find("stage.epochs = 0 is out of range"), std::string::npos) << e;
  e = error_of(std::string(kStaged), {"stage.lr=0.1"});
  EXPECT_NE(e.find("list of tables"), std::string::npos) << e;
  e = error_of(std::string(kStaged), {"train.epochs=3"});
  EXPECT_NE(e.find("train.epochs and [[stage]]"), std::string::npos) << e;
}

}  // namespace
}  // namespace parlance
