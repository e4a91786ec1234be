// Word vectors into the translator's embeddings: the real fastText .vec and
// GloVe files of ../shared/data/vectors, found/missing counts, scaling, and
// malformed files. (.bin models are trained with the fasttext CLI and loaded
// in tests/translator/fr_en_e2e.sh.)
#include "translator/word_vectors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace parlance {
namespace {

const std::string kVectors = "../shared/data/vectors/";

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

TEST(WordVectors, ReadsTheVocabularysWordsFromARealVecFile) {
  if (!std::filesystem::exists(kVectors)) GTEST_SKIP() << "../shared/data/vectors absent";
  const std::string path = kVectors + "lee_fasttext.vec";
  EXPECT_EQ(word_vector_dim(path), 10);
  const WordVectors v = read_word_vectors(path, {"the", "to", "zzzz-not-a-word"});
  EXPECT_EQ(v.dim, 10);
  ASSERT_EQ(v.rows.size(), 2u);
  EXPECT_FLOAT_EQ(v.rows.at("the")[0], -0.65992f);  // the file's second line
  EXPECT_FLOAT_EQ(v.rows.at("to")[9], 0.57279f);
}

TEST(WordVectors, ReadsGloveTextWithoutAHeader) {
  if (!std::filesystem::exists(kVectors)) GTEST_SKIP() << "../shared/data/vectors absent";
  const std::string path = kVectors + "test_glove.txt";
  EXPECT_EQ(word_vector_dim(path), 50);
  const WordVectors v = read_word_vectors(path, {"the"});
  ASSERT_EQ(v.rows.count("the"), 1u);
  EXPECT_FLOAT_EQ(v.rows.at("the")[0], 0.418f);
}

TEST(WordVectors, InitSetsFoundRowsScaledToUnitStdAndReportsMisses) {
  const std::string path = write_file("pl_vectors.vec", "3 2\ncat 1 -1\ndog 3 -3\nqu' 0.5 0.5\n");
  const std::vector<std::string> itos = {"xxunk", "xxpad", "xxbos", "cat", "dog", "bird", "qu'", "fish"};
  torch::manual_seed(0);
  torch::Tensor w = torch::randn({8, 2});
  w[1].zero_();
  const torch::Tensor before = w.clone();
  const VectorInitReport r = init_from_vectors(w, itos, read_word_vectors(path, itos), 1);
  EXPECT_EQ(r.found, 3);
  EXPECT_EQ(r.missing, 2);
  EXPECT_EQ(r.some_missing, (std::vector<std::string>{"bird", "fish"}));
  const double sd = torch::tensor({1., -1., 3., -3., .5, .5}).std().item<double>();
  EXPECT_NEAR(r.scale, 1.0 / sd, 1e-6);
  EXPECT_NEAR(w[4][0].item<double>(), 3.0 / sd, 1e-5);
  EXPECT_TRUE(torch::equal(w[5], before[5])) << "missing words keep their init";
  EXPECT_TRUE(torch::equal(w[0], before[0])) << "specials keep their init";
  EXPECT_EQ(w[1].abs().sum().item<double>(), 0.0) << "the padding row stays zero";
  EXPECT_NE(r.summary("source").find("3 words from the vectors, 2 without"), std::string::npos) << r.summary("source");
}

TEST(WordVectors, MalformedFilesNameFileAndLine) {
  const std::string short_row = write_file("pl_bad1.vec", "2 3\ncat 1 2 3\ndog 1 2\n");
  try {
    read_word_vectors(short_row, {"dog"});
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(short_row + ":3: expected a word and 3 numbers, found 3 fields"), std::string::npos) << e.what();
  }
  const std::string bad_number = write_file("pl_bad2.vec", "1 2\ncat 1 x2\n");
  EXPECT_THROW(read_word_vectors(bad_number, {"cat"}), UserError);
  EXPECT_THROW(read_word_vectors("/nonexistent/vectors.vec", {"cat"}), UserError);
  torch::Tensor w = torch::zeros({4, 5});
  EXPECT_THROW(init_from_vectors(w, {"a", "b", "c", "cat"}, read_word_vectors(write_file("pl_ok.vec", "1 2\ncat 1 2\n"), {"cat"}), 1),
               UserError) << "dimension mismatch";
}

TEST(WordVectors, BinThatIsNotAFastTextModelIsAUserError) {
  EXPECT_THROW(read_word_vectors(write_file("pl_not_a_model.bin", "hello"), {"cat"}), UserError);
}

}  // namespace
}  // namespace parlance
