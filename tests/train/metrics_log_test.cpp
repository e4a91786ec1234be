#include "train/metrics_log.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace parlance {
namespace {

TEST(MetricsLog, TableShowsTaskColumnsAndFileKeepsEveryValueInOrder) {
  const auto dir = std::filesystem::temp_directory_path() / "parlance_metrics_log";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string jsonl = (dir / "metrics.jsonl").string();
  FILE* table = std::tmpfile();
  {
    MetricsLog log(jsonl, {"docs_per_s"}, table);
    log.add({{"epoch", 0}, {"train_loss", 0.5}, {"f1", 0.25}, {"seconds", 75}, {"docs_per_s", 10}});
    log.add({{"epoch", 1}, {"train_loss", 0.4}, {"f1", 0.5}, {"seconds", 3}, {"docs_per_s", 12}});
  }
  std::rewind(table);
  char buf[512] = {0};
  std::string text(buf, std::fread(buf, 1, sizeof buf - 1, table));
  std::fclose(table);
  EXPECT_NE(text.find("epoch"), std::string::npos);
  EXPECT_NE(text.find("f1"), std::string::npos);
  EXPECT_NE(text.find("time"), std::string::npos);
  EXPECT_NE(text.find("01:15"), std::string::npos) << text;
  EXPECT_EQ(text.find("docs_per_s"), std::string::npos) << text;
  EXPECT_EQ(text.find("epoch"), text.rfind("epoch")) << "one header";
  std::ifstream in(jsonl);
  std::string line;
  std::getline(in, line);
  auto first = nlohmann::ordered_json::parse(line);
  EXPECT_EQ(first.begin().key(), "epoch");
  EXPECT_EQ(first["epoch"], 0);
  EXPECT_DOUBLE_EQ(first["f1"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(first["docs_per_s"].get<double>(), 10);
  std::getline(in, line);
  EXPECT_EQ(nlohmann::json::parse(line)["epoch"], 1);
}

TEST(MetricsLog, FileOnlyLogKeepsFractionalEpochsAndWholeSteps) {
  const auto dir = std::filesystem::temp_directory_path() / "parlance_step_log";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string jsonl = (dir / "steps.jsonl").string();
  {
    MetricsLog log(jsonl, {}, nullptr);  // the step log: no table
    log.add({{"step", 20}, {"epoch", 1.25}, {"train_loss", 2.5}, {"lr", 1e-3}});
    log.add({{"step", 40}, {"epoch", 2}, {"train_loss", NAN}, {"lr", 1e-3}});
  }
  std::ifstream in(jsonl);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, R"({"step":20,"epoch":1.25,"train_loss":2.5,"lr":0.001})");
  std::getline(in, line);
  EXPECT_EQ(line, R"({"step":40,"epoch":2,"train_loss":null,"lr":0.001})");
}

TEST(MetricsLog, AClosedLogWritesNothing) {
  MetricsLog log;  // ranks other than 0
  EXPECT_NO_THROW(log.add({{"epoch", 0}}));
}

}  // namespace
}  // namespace parlance
