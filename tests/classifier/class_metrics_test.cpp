#include "classifier/class_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace parlance {
namespace {

TEST(ClassMetrics, ConfusionAccuracyPrecisionRecallF1AndLoss) {
  ClassMetrics m(2);
  // true: 0 0 0 1 1; predicted: 0 0 1 1 0
  auto probs = torch::tensor({{0.9, 0.1}, {0.6, 0.4}, {0.3, 0.7}, {0.2, 0.8}, {0.5001, 0.4999}});
  m.add(probs, torch::tensor({0, 0, 0, 1, 1}));
  EXPECT_EQ(m.count(0, 0), 2);
  EXPECT_EQ(m.count(0, 1), 1);
  EXPECT_EQ(m.count(1, 0), 1);
  EXPECT_EQ(m.count(1, 1), 1);
  EXPECT_DOUBLE_EQ(m.accuracy(), 0.6);
  EXPECT_DOUBLE_EQ(m.precision(0), 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.recall(0), 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.precision(1), 0.5);
  EXPECT_DOUBLE_EQ(m.recall(1), 0.5);
  EXPECT_NEAR(m.f1(0), 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.macro_f1(), (2.0 / 3 + 0.5) / 2, 1e-12);
  const double nll = -(std::log(0.9) + std::log(0.6) + std::log(0.3) + std::log(0.8) + std::log(0.4999)) / 5;
  EXPECT_NEAR(m.loss(), nll, 1e-6);
}

TEST(ClassMetrics, ReportNamesClassesAndShowsTheMatrix) {
  ClassMetrics m(2);
  m.add(torch::tensor({{0.9, 0.1}, {0.2, 0.8}, {0.7, 0.3}}), torch::tensor({0, 1, 1}));
  const std::string r = m.report({"neg", "pos"});
  EXPECT_NE(r.find("accuracy 0.6667"), std::string::npos) << r;
  EXPECT_NE(r.find("neg"), std::string::npos) << r;
  EXPECT_NE(r.find("confusion"), std::string::npos) << r;
  // The matrix's row "pos": one predicted neg, one predicted pos.
  std::istringstream rows(r.substr(r.find("confusion")));
  std::string line, last;
  while (std::getline(rows, line))
    if (!line.empty()) last = line;
  std::istringstream cells(last);
  std::string name;
  int a = -1, b = -1;
  cells >> name >> a >> b;
  EXPECT_EQ(name, "pos");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

TEST(ClassMetrics, NothingPredictedForAClassGivesZeroNotNaN) {
  ClassMetrics m(3);
  m.add(torch::tensor({{0.9, 0.05, 0.05}}), torch::tensor({0}));
  EXPECT_EQ(m.precision(2), 0.0);
  EXPECT_EQ(m.recall(2), 0.0);
  EXPECT_EQ(m.f1(2), 0.0);
}

}  // namespace
}  // namespace parlance
