#include "plot/line_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <stdexcept>

#include "svg_text.h"

namespace parlance {
namespace {

using test::occurrences;

bool has_text(const std::string& svg, const std::string& label) { return svg.find(">" + label + "</text>") != std::string::npos; }

TEST(LineChart, PanelsHaveTitlesAxisValuesLegendAndMarkers) {
  Panel loss{"loss", "epoch", "loss", false,
             {{"train", palette(0), {1, 2, 3}, {2.0, 1.5, 1.2}, "5 3", 1.5, true},
              {"valid <fwd>", palette(1), {1, 2, 3}, {1.9, 1.6, 1.4}, "", 2, true}},
             {{2, "stage 1", "#999"}}};
  Panel acc{"accuracy", "epoch", "accuracy", false, {{"", palette(0), {1, 2, 3}, {0.5, 0.7, 0.8}, "", 2, false}}, {}};
  const std::string svg = chart_svg({loss, acc}, 2, 500, 300);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000.0\" height=\"300.0\"", 0), 0u) << svg.substr(0, 120);
  EXPECT_EQ(occurrences(svg, "<polyline"), 3u);
  EXPECT_EQ(occurrences(svg, "<circle"), 6u);  // dots of the two dotted series
  EXPECT_EQ(occurrences(svg, "stroke-dasharray=\"5 3\""), 2u);  // the dashed series and its legend sample
  for (const char* t : {"loss", "accuracy", "epoch", "train", "valid &lt;fwd&gt;", "stage 1", "1.0", "2.0", "3.0", "0.50", "0.80"})
    EXPECT_TRUE(has_text(svg, t)) << t;
  EXPECT_EQ(occurrences(svg, "fill-opacity"), 1u) << "one legend box: the accuracy panel's series has no name";
}

TEST(LineChart, LegendGoesToTheCornerWhereItHidesLeastOfTheCurves) {
  // A curve rising from bottom left to top right leaves the bottom-right corner free.
  Panel p{"accuracy", "epoch", "accuracy", false,
          {{"run a", palette(0), {0, 10}, {0, 10}, "", 2, false}, {"run b", palette(1), {0, 10}, {0.5, 10}, "", 2, false}}, {}};
  const std::string svg = chart_svg({p}, 1, 500, 300);
  const std::regex box(R"re(<rect x="([0-9.]+)" y="([0-9.]+)"[^>]*fill-opacity)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, box)) << svg;
  EXPECT_GT(std::stod(m[1]), 250) << "right half";
  EXPECT_GT(std::stod(m[2]), 150) << "bottom half";
}

TEST(LineChart, LogAxisAndNonFinitePointsBreakTheLine) {
  Panel p{"lr-find", "learning rate", "loss", true,
          {{"", palette(0), {1e-5, 1e-4, 1e-3, 1e-2, 1e-1}, {3, 2.8, NAN, 2.5, 2.9}, "", 2, false}},
          {{1e-3, "minimum", "#d62728"}}};
  const std::string svg = chart_svg({p}, 1);
  EXPECT_EQ(occurrences(svg, "<polyline"), 2u) << "the NaN splits the curve in two";
  for (const char* t : {"1e-05", "1e-04", "0.001", "0.01", "0.1", "minimum"}) EXPECT_TRUE(has_text(svg, t)) << t;
}

TEST(LineChart, EmptyPanelSaysSoAndMismatchedSeriesThrow) {
  const std::string svg = chart_svg({Panel{"loss", "epoch", "loss", false, {}, {}}}, 2);
  EXPECT_TRUE(has_text(svg, "no values yet"));
  EXPECT_TRUE(has_text(svg, "loss"));
  Panel bad{"x", "", "", false, {{"s", palette(0), {1, 2}, {1}, "", 1, false}}, {}};
  EXPECT_THROW(chart_svg({bad}), std::invalid_argument);
}

}  // namespace
}  // namespace parlance
