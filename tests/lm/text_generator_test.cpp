#include "lm/text_generator.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

TEST(DetokenizeKinds, SpecialTokensBecomeReadableText) {
  EXPECT_EQ(detokenize({"xxbos", "xxmaj", "hello", "xxup", "bbc", ",", "it", "was", "xxrep", "4", "!", "xxmaj",
                        "do", "n't", "go", "."},
                       TokenizerKind::Fastai),
            "Hello BBC, it was!!!! Don't go.");
  EXPECT_EQ(detokenize({"a", "b", "\n", "c"}, TokenizerKind::Char), "ab\nc");
  EXPECT_EQ(detokenize({"xxbos", "\u2581The", "\u2581cat", "s", "\u2581sat"}, TokenizerKind::SentencePiece), " The cats sat");
}

}  // namespace
}  // namespace parlance
