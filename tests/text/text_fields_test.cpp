#include "text/text_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parlance {
namespace {

std::vector<std::string> all(const TextFields& f) { return {f.begin(), f.end()}; }

TEST(TextFields, KeepsOrderInlineAndAfterSpilling) {
  TextFields f;
  EXPECT_TRUE(f.empty());
  EXPECT_EQ(f.begin(), f.end());
  const std::vector<std::string> words{"a", "bb", "ccc", "dddd", "eeeee"};
  for (size_t i = 0; i < words.size(); ++i) {
    f.push_back(words[i]);
    EXPECT_EQ(f.size(), i + 1);
    EXPECT_EQ(all(f), std::vector<std::string>(words.begin(), words.begin() + static_cast<long>(i) + 1));
  }
  EXPECT_EQ(f[2], "ccc");
  EXPECT_EQ(f.at(4), "eeeee");
  EXPECT_THROW(f.at(5), std::out_of_range);
}

TEST(TextFields, CopiesAndWritesThroughIndexing) {
  for (size_t n : {1, 2, 3}) {  // inline, full inline, spilled
    TextFields f;
    for (size_t i = 0; i < n; ++i) f.push_back("x");
    TextFields g = f;
    g[0] = "changed";
    g.push_back("more");
    EXPECT_EQ(f.size(), n);
    EXPECT_EQ(f[0], "x");
    EXPECT_EQ(g.size(), n + 1);
    EXPECT_EQ(g[0], "changed");
    EXPECT_EQ(g[n], "more");
    for (auto& v : g) v = "all";
    EXPECT_EQ(all(g), std::vector<std::string>(n + 1, "all"));
  }
}

TEST(TextFields, FromAList) {
  const TextFields f{"one", "two", "three"};
  EXPECT_EQ(all(f), (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace parlance
