#include "plot/training_curves.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

fs::path fresh_run(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "parlance_curves" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary) << text; }

std::vector<std::string> titles(const std::vector<Panel>& panels) {
  std::vector<std::string> out;
  for (const auto& p : panels) out.push_back(p.title);
  return out;
}

TEST(TrainingCurves, ReadsEpochsAndStepsLastRowWinsUnfinishedLineSkipped) {
  const fs::path run = fresh_run("clas_fwd");
  write(run / "metrics.jsonl",
        R"({"epoch":0,"stage":0,"train_loss":0.7,"valid_loss":0.6,"accuracy":0.7,"seconds":3,"documents_per_s":9,"ranks":2})"
        "\n"
        R"({"epoch":1,"stage":1,"train_loss":0.5,"valid_loss":0.4,"accuracy":0.8,"seconds":3,"documents_per_s":9,"ranks":2})"
        "\n"
        R"({"epoch":1,"stage":1,"train_loss":0.45,"valid_loss":0.38,"accuracy":0.82,"seconds":3,"documents_per_s":9,"ranks":2})"
        "\n"
        R"({"epoch":2,"stage":1,"train_l)");  // being written by a run still training
  write(run / "steps.jsonl", "{\"step\":10,\"epoch\":0.5,\"train_loss\":0.8,\"lr\":0.01}\n"
                             "{\"step\":20,\"epoch\":1,\"train_loss\":null,\"lr\":0.01}\n");
  const RunHistory h = read_run_history(run.string());
  EXPECT_EQ(h.name, "clas_fwd");
  ASSERT_EQ(h.epochs.size(), 2u);
  EXPECT_DOUBLE_EQ(value_of(h.epochs[1], "accuracy"), 0.82) << "a rerun epoch replaces the earlier row";
  ASSERT_EQ(h.steps.size(), 2u);
  EXPECT_TRUE(std::isnan(value_of(h.steps[1], "train_loss")));

  const std::vector<Panel> panels = training_panels({h});
  EXPECT_EQ(titles(panels), (std::vector<std::string>{"loss", "accuracy"})) << "no panels for seconds, throughput, ranks";
  const Panel& loss = panels[0];
  ASSERT_EQ(loss.series.size(), 3u);
  EXPECT_EQ(loss.series[0].name, "train (steps)");
  EXPECT_EQ(loss.series[0].x, (std::vector<double>{0.5, 1}));
  EXPECT_EQ(loss.series[2].name, "valid");
  EXPECT_EQ(loss.series[2].x, (std::vector<double>{1, 2})) << "an epoch's row sits at epochs completed";
  ASSERT_EQ(loss.markers.size(), 1u);
  EXPECT_EQ(loss.markers[0].label, "stage 1");
  EXPECT_DOUBLE_EQ(loss.markers[0].x, 1);
}

TEST(TrainingCurves, SeveralRunsGetTheirOwnColoursAndNamedSeries) {
  const fs::path a = fresh_run("lm_fwd"), b = fresh_run("lm_bwd");
  write(a / "metrics.jsonl", "{\"epoch\":0,\"train_loss\":5,\"valid_loss\":4.5,\"perplexity\":90}\n");
  write(b / "metrics.jsonl", "{\"epoch\":0,\"train_loss\":5.1,\"valid_loss\":4.6,\"perplexity\":99,\"bleu\":0.2}\n");
  const std::vector<Panel> panels = training_panels({read_run_history(a.string()), read_run_history(b.string())});
  EXPECT_EQ(titles(panels), (std::vector<std::string>{"loss", "perplexity", "bleu"}));
  ASSERT_EQ(panels[1].series.size(), 2u);
  EXPECT_EQ(panels[1].series[0].name, "lm_fwd");
  EXPECT_EQ(panels[1].series[1].name, "lm_bwd");
  EXPECT_NE(panels[1].series[0].colour, panels[1].series[1].colour);
  EXPECT_TRUE(panels[2].series[0].x.empty()) << "lm_fwd has no bleu column";
  EXPECT_EQ(panels[0].series[0].name, "lm_fwd train (epoch)");
  EXPECT_TRUE(panels[0].markers.empty());
}

TEST(TrainingCurves, BadRowsAndFoldersAreClearErrors) {
  const fs::path run = fresh_run("bad");
  EXPECT_THROW(
      {
        try {
          read_run_history(run.string());
        } catch (const UserError& e) {
          EXPECT_NE(std::string(e.what()).find("no metrics.jsonl"), std::string::npos) << e.what();
          throw;
        }
      },
      UserError);
  write(run / "config.toml", "[train]\n");  // a run that has just started: nothing to plot yet, no error
  EXPECT_TRUE(read_run_history(run.string()).epochs.empty());
  write(run / "metrics.jsonl", "{\"epoch\":0,\"train_loss\":1}\nnot json\n");
  try {
    read_run_history(run.string());
    FAIL() << "a bad line was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("metrics.jsonl:2: expected a JSON object"), std::string::npos) << e.what();
  }
  write(run / "metrics.jsonl", "{\"epoch\":0,\"train_loss\":\"low\"}\n");
  EXPECT_THROW(read_run_history(run.string()), UserError);
  write(run / "metrics.jsonl", "{\"train_loss\":1}\n");
  EXPECT_THROW(read_run_history(run.string()), UserError);
}

}  // namespace
}  // namespace parlance
