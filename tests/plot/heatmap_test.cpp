#include "plot/heatmap.h"

#include <gtest/gtest.h>

#include <regex>

#include "plot/svg_canvas.h"
#include "svg_text.h"

namespace parlance {
namespace {

using test::occurrences;

TEST(Heatmap, OneCellPerValueLabelsEscapedColourScaledToTheMaximum) {
  const std::string svg = heatmap_svg({{0.0, 0.5, 1.0}, {0.25, 0.25, 0.5}}, {"what", "<eos>"}, {"qu'", "est", "?"}, "a & b");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(occurrences(svg, "<title>"), 6u);
  EXPECT_EQ(occurrences(svg, "<text"), 1u + 2u + 3u);  // title, row labels, column labels
  EXPECT_NE(svg.find("&lt;eos&gt;"), std::string::npos);
  EXPECT_NE(svg.find("qu&apos;"), std::string::npos);
  EXPECT_NE(svg.find(">a &amp; b<"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"" + blue_scale(1.0) + "\"><title>what / ?: 1.000"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"" + blue_scale(0.0) + "\"><title>what / qu&apos;: 0.000"), std::string::npos);
  EXPECT_THROW(heatmap_svg({{1.0}}, {"a", "b"}, {"c"}, ""), std::invalid_argument);
}

TEST(Heatmap, ConfusionStyleWritesCountsInCellsAndAxisTitles) {
  const std::string svg = heatmap_svg({{9000, 12}, {300, 11688}}, {"neg", "pos"}, {"neg", "pos"}, "valid",
                                      {"actual", "predicted", /*values_in_cells=*/true, /*decimals=*/0});
  for (const char* t : {">actual<", ">predicted<", ">9000<", ">12<", ">300<", ">11688<", ">valid<"})
    EXPECT_NE(svg.find(t), std::string::npos) << t;
  EXPECT_EQ(occurrences(svg, "<text"), 1u + 2u + 2u + 2u + 4u);  // title, axis titles, labels, cell values
  EXPECT_NE(svg.find("fill=\"white\">11688<"), std::string::npos) << "dark cells get white numbers";
  EXPECT_NE(svg.find(">12<"), std::string::npos);
  EXPECT_EQ(svg.find("fill=\"white\">12<"), std::string::npos) << "light cells keep black numbers";
}

TEST(SvgCanvas, BlueScaleRunsFromWhiteToDarkBlue) {
  EXPECT_EQ(blue_scale(0), "#ffffff");
  EXPECT_EQ(blue_scale(1), "#08306b");
  EXPECT_EQ(blue_scale(7), "#08306b");
}

}  // namespace
}  // namespace parlance
