#include "classifier/text_classifier.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "classifier/trained_classifier.h"
#include "lm/vocab_transfer.h"
#include "train/checkpoint.h"
#include "util/error.h"

namespace parlance {
namespace {

LmSpec spec_for(size_t vocab) {
  LmSpec s;
  s.vocab = static_cast<int64_t>(vocab), s.emb = 6, s.hidden = 10, s.layers = 3, s.pad_idx = 1;
  return s;
}

TEST(TextClassifier, LayerGroupsAreEmbeddingEachLstmLayerThenTheHead) {
  TextClassifier m(spec_for(20), HeadSpec{{5}, 0.1}, 3);
  auto groups = m.layer_groups();
  ASSERT_EQ(groups.size(), 5u);
  auto named = m.named_parameters();
  EXPECT_TRUE(groups[0][0].is_same(named["encoder.embedding"]));
  EXPECT_TRUE(groups[1][0].is_same(named["encoder.rnn0_weight_ih_l0"]));
  EXPECT_TRUE(groups[3][0].is_same(named["encoder.rnn2_weight_ih_l0"]));
  size_t total = 0;
  for (const auto& g : groups) total += g.size();
  EXPECT_EQ(total, m.parameters().size());  // every parameter in exactly one group
  // Head: 2 BatchNorm (weight, bias) + 2 Linear (weight, bias); 3·emb → 5 → 3.
  EXPECT_EQ(groups[4].size(), 8u);
  EXPECT_EQ(named["head.lin0.weight"].sizes(), (std::vector<int64_t>{5, 18}));
  EXPECT_EQ(named["head.lin1.weight"].sizes(), (std::vector<int64_t>{3, 5}));
}

TEST(TextClassifier, ForwardGivesOneRowOfLogitsPerDocument) {
  TextClassifier m(spec_for(20), HeadSpec{{5}, 0.1}, 3);
  m.eval();
  auto tokens = torch::randint(2, 20, {23, 4}, torch::kInt64);
  tokens.narrow(0, 0, 5).select(1, 2).fill_(1);  // a shorter document, pre-padded
  auto out = m.forward(tokens, 8, 1400);
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(out.out.size(0), 23);
  EXPECT_THROW(TextClassifier(spec_for(20), HeadSpec{{5}, 0.1}, 1), UserError);
}

TEST(TextClassifier, EncoderComesFromALanguageModelRemappedByTokenAndTheHeadKeepsItsInit) {
  const std::vector<std::string> lm_itos = {"xxunk", "xxpad", "good", "bad"};
  const std::vector<std::string> clas_itos = {"xxunk", "xxpad", "bad", "movie", "good"};
  torch::manual_seed(1);
  AwdLstm lm(spec_for(lm_itos.size()));
  DatasetCard card;
  card.streams[""] = StreamCard{lm_itos, "{\"kind\":\"fastai\"}", ""};
  const std::string file = (std::filesystem::temp_directory_path() / "parlance_clas_init_encoder.pt").string();
  save_encoder(file, lm, card.serialize());

  torch::manual_seed(2);
  TextClassifier clas(spec_for(clas_itos.size()), HeadSpec{{5}, 0.1}, 2);
  auto head_before = clas.named_parameters()["head.lin0.weight"].clone();
  TransferReport r = init_from_pretrained(file, clas, {"encoder.embedding"}, spec_for(clas_itos.size()), clas_itos);
  EXPECT_EQ(r.found, 4);
  EXPECT_EQ(r.missing, (std::vector<std::string>{"movie"}));
  auto emb = clas.named_parameters()["encoder.embedding"], lm_emb = lm.named_parameters()["encoder.embedding"];
  EXPECT_TRUE(torch::equal(emb[2], lm_emb[3]));  // "bad"
  EXPECT_TRUE(torch::equal(emb[4], lm_emb[2]));  // "good"
  EXPECT_TRUE(torch::allclose(emb[3], lm_emb.mean(0)));
  EXPECT_TRUE(torch::equal(clas.named_parameters()["encoder.rnn1_weight_hh_l0_raw"],
                           lm.named_parameters()["encoder.rnn1_weight_hh_l0_raw"]));
  EXPECT_TRUE(torch::equal(clas.named_parameters()["head.lin0.weight"], head_before));
}

TEST(TextClassifier, EncoderSpecFindsThePadTokenOrSaysItIsMissing) {
  TrainConfig cfg;
  EXPECT_EQ(classifier_encoder_spec(cfg, {"xxunk", "a", "xxpad"}, "f.h5").pad_idx, 2);
  EXPECT_EQ(classifier_encoder_spec(cfg, {"xxunk", "a", "xxpad"}, "f.h5").vocab, 3);
  EXPECT_THROW(classifier_encoder_spec(cfg, {"xxunk", "a"}, "f.h5"), UserError);
}

}  // namespace
}  // namespace parlance
