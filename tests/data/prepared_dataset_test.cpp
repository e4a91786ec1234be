#include "data/prepared_dataset.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>

#include "data/dataset_card.h"
#include "data/h5_file.h"
#include "util/error.h"

namespace parlance {
namespace {

// A minimal prepared file written through the format's own names.
std::string write_file(const std::string& tag, int64_t version, bool with_format = true) {
  auto path = (std::filesystem::temp_directory_path() / ("parlance_prepared_" + tag + ".h5")).string();
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  H5File w(path, H5File::Mode::ReadWrite);
  w.create_group(prepared::vocab_group(""));
  w.write_strings(prepared::itos(""), {"xxunk", "xxpad", "hello", "world"});
  w.write_bytes(prepared::sp_model(""), std::string("\x00\x01\xff", 3));
  w.create_group(prepared::split_group("train"));
  w.write_strings(prepared::kClasses, {"neg", "pos"});
  if (with_format) w.set_attr("/", "format", prepared::kFormat);
  w.set_attr("/", "format_version", version);
  w.set_attr("/", "name", "tiny");
  w.set_attr("/", "splits", "[\"train\"]");
  w.set_attr("/", "streams", "[\"\"]");
  w.set_attr("/", prepared::tokenizer_attr(""), "{\"kind\":\"fastai\"}");
  return path;
}

TEST(PreparedFormat, NamesAreTheDocumentedOnes) {
  EXPECT_EQ(prepared::itos(""), "/vocab/itos");
  EXPECT_EQ(prepared::itos("src"), "/src_vocab/itos");
  EXPECT_EQ(prepared::tokens("valid", ""), "/valid/tokens");
  EXPECT_EQ(prepared::doc_offsets("train", "tgt"), "/train/tgt_doc_offsets");
  EXPECT_EQ(prepared::labels("test"), "/test/labels");
  EXPECT_EQ(prepared::tokenizer_attr("tgt"), "tgt_tokenizer");
}

TEST(PreparedDataset, ReadsVocabularyClassesAndTokenizer) {
  PreparedDataset d(write_file("ok", prepared::kFormatVersion));
  EXPECT_EQ(d.itos(), (std::vector<std::string>{"xxunk", "xxpad", "hello", "world"}));
  EXPECT_EQ(d.classes(), (std::vector<std::string>{"neg", "pos"}));
  EXPECT_EQ(d.sentencepiece_model(), std::string("\x00\x01\xff", 3));
  EXPECT_EQ(d.streams(), (std::vector<std::string>{""}));
  EXPECT_EQ(d.name(), "tiny");
}

// Token ids stored as `file_type` (int32 in format 1; uint16 or int32 in format 2).
void write_train_tokens(const std::string& path, const std::vector<int32_t>& ids, hid_t file_type = H5T_STD_I32LE) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hsize_t n = ids.size();
  hid_t space = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(f, prepared::tokens("train", "").c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids.data());
  H5Dclose(d);
  H5Sclose(space);
  H5Fclose(f);
}

TEST(PreparedDataset, TokenIdsOutsideTheVocabularyAreADamagedFileNamedWithThePosition) {
  const std::string path = write_file("badids", prepared::kFormatVersion);
  write_train_tokens(path, {2, 3, 0, 4, 1});  // 4 entries: id 4 is out of range
  PreparedDataset d(path);
  EXPECT_EQ(d.tokens("train", 0, 3), (std::vector<int32_t>{2, 3, 0}));
  try {
    d.tokens("train", 1, 4);
    FAIL();
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("parlance_prepared_badids.h5: token 3 of split \"train\" is id 4, outside the vocabulary's 4 "
                     "entries: the file is damaged"),
              std::string::npos)
        << m;
  }
}

TEST(PreparedDataset, ReadsNarrowAndWideTokenIdsOfBothFormatVersionsAsInt32) {
  for (int64_t version : {int64_t{1}, prepared::kFormatVersion})
    for (hid_t type : {H5T_STD_U16LE, H5T_STD_I32LE}) {
      const std::string path = write_file("ids" + std::to_string(version), version);
      write_train_tokens(path, {3, 2, 0, 1}, type);
      EXPECT_EQ(PreparedDataset(path).tokens("train", 1, 3), (std::vector<int32_t>{2, 0, 1})) << version;
    }
}

TEST(PreparedDataset, MissingSplitNamesTheFileAndTheKnownSplits) {
  PreparedDataset d(write_file("nosplit", prepared::kFormatVersion));
  try {
    d.n_tokens("valid");
    FAIL();
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("parlance_prepared_nosplit.h5"), std::string::npos) << m;
    EXPECT_NE(m.find("no split \"valid\""), std::string::npos) << m;
    EXPECT_NE(m.find("it has: train"), std::string::npos) << m;
  }
}

TEST(PreparedDataset, OtherFormatVersionsAndForeignFilesAreClearErrors) {
  try {
    PreparedDataset d(write_file("v3", 3));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("format_version 3"), std::string::npos) << e.what();
  }
  try {
    PreparedDataset d(write_file("foreign", 1, /*with_format=*/false));
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not a prepared dataset"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PreparedDataset("/nonexistent/x.h5"), UserError);
}

TEST(DatasetCard, RoundTripsVocabularyTokenizerBinaryModelAndClasses) {
  PreparedDataset d(write_file("card", prepared::kFormatVersion));
  DatasetCard card = DatasetCard::from(d);
  DatasetCard back = DatasetCard::deserialize(card.serialize(), "test");
  EXPECT_EQ(back.stream().itos, d.itos());
  EXPECT_EQ(back.stream().tokenizer_json, "{\"kind\":\"fastai\"}");
  EXPECT_EQ(back.stream().sp_model, std::string("\x00\x01\xff", 3));
  EXPECT_EQ(back.classes, (std::vector<std::string>{"neg", "pos"}));
  EXPECT_EQ(back.source, d.path());
  EXPECT_THROW(back.stream("src"), UserError);
  EXPECT_THROW(DatasetCard::deserialize("not cbor at all", "test"), UserError);
}

}  // namespace
}  // namespace parlance
