#include "lm/vocab_transfer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "models/awd_lstm.h"
#include "train/checkpoint.h"
#include "util/error.h"

namespace parlance {
namespace {

const std::vector<std::string> kOld = {"xxunk", "xxpad", "a", "b", "c"};
const std::vector<std::string> kNew = {"xxunk", "xxpad", "c", "d", "a", "e", "f", "g"};

LmSpec spec_for(size_t vocab) {
  LmSpec s;
  s.vocab = static_cast<int64_t>(vocab), s.emb = 6, s.hidden = 10, s.layers = 2;
  return s;
}

std::string card_for(const std::vector<std::string>& itos) {
  DatasetCard c;
  c.source = "test.h5";
  c.streams[""] = StreamCard{itos, "{\"kind\":\"fastai\"}", ""};
  return c.serialize();
}

std::string temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("parlance_transfer_" + name)).string();
}

TEST(RemapRows, FoundRowsMoveByTokenAndMissingOnesGetTheMean) {
  auto old_rows = torch::arange(15, torch::kFloat32).reshape({5, 3});
  auto rows = torch::zeros({8, 3});
  EXPECT_EQ(remap_rows(old_rows, kOld, rows, kNew), 4);
  EXPECT_TRUE(torch::equal(rows[2], old_rows[4]));  // "c"
  EXPECT_TRUE(torch::equal(rows[4], old_rows[2]));  // "a"
  EXPECT_TRUE(torch::equal(rows[1], old_rows[1]));  // "xxpad"
  EXPECT_TRUE(torch::allclose(rows[3], old_rows.mean(0)));  // "d" is new
  auto bias = torch::zeros({8});
  EXPECT_EQ(remap_rows(torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f}), kOld, bias, kNew), 4);
  EXPECT_FLOAT_EQ(bias[2].item<float>(), 5.f);
  EXPECT_FLOAT_EQ(bias[5].item<float>(), 3.f);
}

TEST(InitFromPretrained, CheckpointOfAnotherVocabularyIsRemappedByToken) {
  torch::manual_seed(1);
  AwdLstm pre(spec_for(kOld.size()));
  {
    torch::NoGradGuard g;
    pre.named_parameters()["decoder.bias"].copy_(torch::arange(5, torch::kFloat32));
  }
  torch::optim::SGD opt(pre.parameters(), 0.1);
  const std::string file = temp("run.pt");
  save_checkpoint(file, pre, opt, CheckpointInfo{0, 0, "", card_for(kOld)});

  torch::manual_seed(2);
  AwdLstm model(spec_for(kNew.size()));
  TransferReport r = init_from_pretrained(file, model, model.vocab_parameter_names(), spec_for(kNew.size()), kNew);
  EXPECT_EQ(r.found, 4);
  EXPECT_EQ(r.total, 8);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"d", "e", "f", "g"}));
  EXPECT_NE(r.summary().find("4 of 8"), std::string::npos) << r.summary();
  r.missing = {"\xc2\x96", "\n \n "};  // as IMDb's vocabulary has them: quoted so a terminal shows them
  EXPECT_NE(r.summary().find("(e.g. \"\\u0096\", \"\\n \\n \")"), std::string::npos) << r.summary();
  auto p = model.named_parameters(), q = pre.named_parameters();
  EXPECT_TRUE(torch::equal(p["encoder.embedding"][2], q["encoder.embedding"][4]));
  EXPECT_TRUE(torch::allclose(p["encoder.embedding"][3], q["encoder.embedding"].mean(0)));
  EXPECT_FLOAT_EQ(p["decoder.bias"][4].item<float>(), 2.f);  // "a" had bias 2
  EXPECT_FLOAT_EQ(p["decoder.bias"][6].item<float>(), 2.f);  // the mean of 0..4
  EXPECT_TRUE(torch::equal(p["encoder.rnn1_weight_hh_l0_raw"], q["encoder.rnn1_weight_hh_l0_raw"]));
}

TEST(InitFromPretrained, EncoderFileInitializesTheEncoderAndLeavesTheHead) {
  torch::manual_seed(3);
  AwdLstm pre(spec_for(kOld.size()));
  const std::string file = temp("encoder.pt");
  save_encoder(file, pre, card_for(kOld));
  AwdLstm model(spec_for(kNew.size()));
  auto bias_before = model.named_parameters()["decoder.bias"].clone();
  TransferReport r = init_from_pretrained(file, model, model.vocab_parameter_names(), spec_for(kNew.size()), kNew);
  EXPECT_TRUE(r.encoder_only);
  EXPECT_EQ(r.found, 4);
  EXPECT_TRUE(torch::equal(model.named_parameters()["encoder.embedding"][4], pre.named_parameters()["encoder.embedding"][2]));
  EXPECT_TRUE(torch::equal(model.named_parameters()["decoder.bias"], bias_before));
}

TEST(InitFromPretrained, OtherSizesAndMissingFilesAreClearErrors) {
  AwdLstm pre(spec_for(kOld.size()));
  torch::optim::SGD opt(pre.parameters(), 0.1);
  const std::string file = temp("small.pt");
  save_checkpoint(file, pre, opt, CheckpointInfo{0, 0, "", card_for(kOld)});
  LmSpec bigger = spec_for(kNew.size());
  bigger.hidden = 12;
  AwdLstm model(bigger);
  EXPECT_THROW(init_from_pretrained(file, model, model.vocab_parameter_names(), bigger, kNew), UserError);
  EXPECT_THROW(init_from_pretrained(temp("nothing_here"), model, model.vocab_parameter_names(), bigger, kNew), UserError);
}

}  // namespace
}  // namespace parlance
