#include "data/document_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/text_encoder.h"
#include "util/error.h"

namespace parlance {
namespace {

std::string write(const std::string& name, const std::string& text) {
  auto path = (std::filesystem::temp_directory_path() / ("parlance_docreader_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(DocumentReader, EveryLineIsADocumentEmptyOnesInPlace) {
  // predict and translate answer line for line: an empty line stays a
  // (empty) document where it was, also first, last, after CRLF and in runs.
  auto docs = read_document_texts(write("lines.txt", "first review\n\nsecond one\r\n  \nthird"), -1, false);
  EXPECT_EQ(docs, (std::vector<std::string>{"first review", "", "second one", "  ", "third"}));
  docs = read_document_texts(write("lines2.txt", "\n\r\na\n\n\nb\n\n"), -1, false);
  EXPECT_EQ(docs, (std::vector<std::string>{"", "", "a", "", "", "b", ""}));
  EXPECT_EQ(read_document_texts(write("lines3.txt", "one\n"), -1, false), (std::vector<std::string>{"one"}));
  EXPECT_EQ(read_document_texts(write("lines4.txt", "\n"), -1, false), (std::vector<std::string>{""}));
}

TEST(DocumentReader, ACsvColumnWithQuotedNewlinesAndAHeader) {
  const std::string csv = "label,text,is_valid\nnegative,\"bad, \"\"really\"\"\nbad\",False\npositive,good,True\n";
  auto docs = read_document_texts(write("texts.csv", csv), 1, true);
  EXPECT_EQ(docs, (std::vector<std::string>{"bad, \"really\"\nbad", "good"}));
  EXPECT_EQ(read_document_texts(write("noheader.csv", "a,b\nc,d\n"), 0, false), (std::vector<std::string>{"a", "c"}));
}

TEST(DocumentReader, BadInputNamesTheFile) {
  EXPECT_THROW(read_document_texts("/nonexistent/parlance.txt", -1, false), UserError);
  try {
    read_document_texts(write("ragged.csv", "label,text\nx,y\nonly\n"), 1, true);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("parlance_docreader_ragged.csv"), std::string::npos) << e.what();
  }
  try {  // a column the file lacks: named as asked (predict --column), not as prep's recipe key
    read_document_texts(write("narrow.csv", "label,text\nx,y\n"), 2, true);
    FAIL();
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("parlance_docreader_narrow.csv: column 2 (0-based)"), std::string::npos) << m;
    EXPECT_NE(m.find("has 2 columns"), std::string::npos) << m;
    EXPECT_EQ(m.find("prep."), std::string::npos) << m;
  }
}

TEST(TextEncoder, TokenizesAsPrepDidAndMapsUnknownWordsToXxunk) {
  StreamCard card{{"xxunk", "xxpad", "xxbos", "xxeos", "xxfld", "xxmaj", "xxup", "xxrep", "xxwrep", "the", "film", "."},
                  "{\"kind\":\"fastai\",\"lang\":\"en\",\"add_bos\":true,\"add_eos\":false,\"mark_fields\":false,\"eol_token\":\"\"}", ""};
  const TextEncoder enc(card, true);
  const auto tokens = enc.tokens("The film. Zorblax!");
  EXPECT_EQ(tokens.front(), "xxbos");
  EXPECT_EQ(tokens[1], "xxmaj");
  EXPECT_EQ(tokens[2], "the");
  const auto ids = enc.ids(tokens);
  ASSERT_EQ(ids.size(), tokens.size());
  EXPECT_EQ(ids[0], 2);
  EXPECT_EQ(ids[2], 9);
  EXPECT_EQ(enc.unknown_count(tokens), 2);  // "zorblax", "!"
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] == "zorblax") EXPECT_EQ(ids[i], 0);
}

}  // namespace
}  // namespace parlance
