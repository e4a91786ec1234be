#include "translator/attention_picture.h"

#include <gtest/gtest.h>

#include "../plot/svg_text.h"

namespace parlance {
namespace {

using test::occurrences;

TEST(AttentionPicture, RowsAreOutputsPlusEosColumnsTheSourceAsRead) {
  // 3 decoding steps (2 words, then xxeos) over 4 source positions, the last a pad.
  const torch::Tensor a = torch::tensor({0.7, 0.2, 0.1, 0.0, 0.1, 0.8, 0.1, 0.0, 0.0, 0.1, 0.9, 0.0}).view({3, 4});
  const std::string svg = attention_svg(a, {"what", "?"}, {"qu'", "est", "xxeos"}, "attention");
  EXPECT_EQ(occurrences(svg, "<title>"), 9u) << "3 rows × 3 source tokens: the pad column is not drawn";
  EXPECT_NE(svg.find(">xxeos</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>what / qu&apos;: 0.700</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>xxeos / xxeos: 0.900</title>"), std::string::npos) << "the xxeos row is the third step";
  const std::string no_eos = attention_svg(a.narrow(0, 0, 2), {"what", "?"}, {"qu'", "est", "xxeos"}, "");
  EXPECT_EQ(occurrences(no_eos, "<title>"), 6u) << "no xxeos row when the output stopped at max length";
}

}  // namespace
}  // namespace parlance
