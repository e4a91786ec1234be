#include "util/recipe_keys.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace parlance {
namespace {

struct Inner {
  double rate = 0.5;
};
struct Toy {
  int64_t count = 3;
  uint64_t seed = 42;
  std::string mode = "fast";
  bool verbose = false;
  std::vector<int64_t> cols{1};
  Inner inner;
};

using recipe::key;
const std::vector<recipe::Key<Toy>> kKeys = {
    key("toy.count", &Toy::count, "how many", {1, 10}),
    key("toy.seed", &Toy::seed, "seed", {0, 9.2e18}),
    key("toy.mode", &Toy::mode, "mode", {}, {"fast", "slow"}),
    key("toy.verbose", &Toy::verbose, "chatty"),
    key("toy.cols", &Toy::cols, "columns"),
    key("toy.rate", &Toy::inner, &Inner::rate, "a nested member", {0, 1}),
};

Toy read(const std::string& text, const std::vector<std::string>& sets = {}) {
  Toy t;
  recipe::read_all(kKeys, Config::parse(text, "toy.toml", sets, recipe::schema_of(kKeys)), t);
  return t;
}

TEST(RecipeKeys, OneDeclarationGivesTypesDefaultsAndMembers) {
  auto schema = recipe::schema_of(kKeys);
  EXPECT_EQ(schema[0].type, KeyType::Int);
  EXPECT_EQ(schema[2].type, KeyType::String);
  EXPECT_EQ(schema[3].type, KeyType::Bool);
  EXPECT_EQ(schema[4].type, KeyType::IntList);
  EXPECT_EQ(schema[5].type, KeyType::Float);
  Toy d = read("[toy]\n");  // absent keys keep the struct's initializers
  EXPECT_EQ(d.count, 3);
  EXPECT_EQ(d.mode, "fast");
  EXPECT_DOUBLE_EQ(d.inner.rate, 0.5);
  Toy t = read("[toy]\ncount = 7\nmode = \"slow\"\nverbose = true\ncols = [2, 3]\nrate = 0.25\nseed = 9\n");
  EXPECT_EQ(t.count, 7);
  EXPECT_EQ(t.mode, "slow");
  EXPECT_TRUE(t.verbose);
  EXPECT_EQ(t.cols, (std::vector<int64_t>{2, 3}));
  EXPECT_DOUBLE_EQ(t.inner.rate, 0.25);
  EXPECT_EQ(t.seed, 9u);
  EXPECT_EQ(read("[toy]\n", {"toy.count=9"}).count, 9);
}

TEST(RecipeKeys, RangeAndChoiceViolationsNameTheFileAndKey) {
  try {
    read("[toy]\ncount = 11\n");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("toy.count"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("toy.toml"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read("[toy]\nmode = \"medium\"\n"), UserError);
  EXPECT_THROW(read("[toy]\nrate = \"high\"\n"), UserError);
}

}  // namespace
}  // namespace parlance
