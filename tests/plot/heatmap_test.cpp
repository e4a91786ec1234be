#include "plot/heatmap.h"

#include <gtest/gtest.h>

#include <regex>

#include "plot/svg_canvas.h"

namespace parlance {
namespace {

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Heatmap, OneCellPerValueLabelsEscapedColourScaledToTheMaximum) {
  const std::string svg = heatmap_svg({{0.0, 0.5, 1.0}, {0.25, 0.25, 0.5}}, {"what", "<eos>"}, {"qu'", "est", "?"}, "a & b");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<title>"), 6u);
  EXPECT_EQ(count(svg, "<text"), 1u + 2u + 3u);  // title, row labels, column labels
  EXPECT_NE(svg.find("&lt;eos&gt;"), std::string::npos);
  EXPECT_NE(svg.find("qu&apos;"), std::string::npos);
  EXPECT_NE(svg.find(">a &amp; b<"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"" + blue_scale(1.0) + "\"><title>what / ?: 1.000"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"" + blue_scale(0.0) + "\"><title>what / qu&apos;: 0.000"), std::string::npos);
  EXPECT_THROW(heatmap_svg({{1.0}}, {"a", "b"}, {"c"}, ""), std::invalid_argument);
}

TEST(SvgCanvas, BlueScaleRunsFromWhiteToDarkBlue) {
  EXPECT_EQ(blue_scale(0), "#ffffff");
  EXPECT_EQ(blue_scale(1), "#08306b");
  EXPECT_EQ(blue_scale(7), "#08306b");
}

}  // namespace
}  // namespace parlance
