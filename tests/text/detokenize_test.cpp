#include "text/detokenize.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

std::string d(std::vector<std::string> t) { return detokenize(t); }

TEST(Detokenize, AppliesCaseMarkersAndDropsSpecials) {
  EXPECT_EQ(d({"xxbos", "xxmaj", "what", "do", "you", "do", "?", "xxeos", "xxmaj", "no"}), "What do you do?\nNo");
  EXPECT_EQ(d({"xxup", "nasa", "is", "xxmaj", "élan"}), "NASA is Élan");
  EXPECT_EQ(d({"wow", "xxrep", "3", "!"}), "wow!!!");
  EXPECT_EQ(d({"xxwrep", "3", "no"}), "no no no");
  EXPECT_EQ(d({"a", "xxunk", "xxfld", "2", "b", "xxpad"}), "a xxunk b");
}

TEST(Detokenize, UndoesTheWordTokenizersSplits) {
  EXPECT_EQ(d({"xxmaj", "what", "'s", "that", "?"}), "What's that?");
  EXPECT_EQ(d({"i", "do", "n't", "know", ",", "really", "."}), "i don't know, really.");
  EXPECT_EQ(d({"qu'", "est", "-ce", "que", "c'", "est", "\u202f", "?"}), "qu'est-ce que c'est\u202f?");
  EXPECT_EQ(d({"où", "es", "-tu", "?"}), "où es-tu?");
  EXPECT_EQ(d({"(", "yes", ")", "50", "%"}), "(yes) 50%");
  EXPECT_EQ(d({"a", "-", "b", "'", "c"}), "a - b ' c");
}

}  // namespace
}  // namespace parlance
