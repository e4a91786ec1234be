// Every recipe in configs/ is valid against its schema (a typo in a shipped
// recipe fails here, not in a user's job).
#include <gtest/gtest.h>

#include <filesystem>

#include "data/prep_config.h"
#include "train/train_config.h"
#include "util/config.h"

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
