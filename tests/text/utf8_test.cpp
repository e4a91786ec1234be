#include "text/utf8.h"

#include <gtest/gtest.h>

namespace parlance::utf8 {
namespace {

TEST(Utf8, VisibleWritesWhatATerminalHides) {
  EXPECT_EQ(visible("n't"), "n't");
  EXPECT_EQ(visible("caf\u00e9 \u2014"), "caf\u00e9 \u2014");  // printable non-ASCII and ' ' stay
  EXPECT_EQ(visible("\n \n "), "\\n \\n ");
  EXPECT_EQ(visible("a\tb\r"), "a\\tb\\r");
  EXPECT_EQ(visible("\xc2\x96"), "\\u0096");             // C1 control (cp1252's en dash, read as Latin-1)
  EXPECT_EQ(visible("\xc2\x85 "), "\\u0085 ");           // NEL: a line break to some terminals
  EXPECT_EQ(visible("\xc2\xa0"), "\\u00A0");             // no-break space
  EXPECT_EQ(visible(std::string("\x01\x7f", 2)), "\\u0001\\u007F");
  EXPECT_EQ(visible("say \"hi\" \\ ok"), "say \\\"hi\\\" \\\\ ok");
}

TEST(Utf8, RepairReplacesInvalidAndCountsBytes) {
  std::string out;
  EXPECT_EQ(repair("ok", out), 0u);
  EXPECT_EQ(out, "ok");
  // A lone continuation byte, a truncated 3-byte sequence, an overlong encoding.
  EXPECT_EQ(repair("a\x80" "b\xE2\x82" "c\xC0\xAF", out), 5u);
  EXPECT_EQ(out, "a\uFFFDb\uFFFDc\uFFFD\uFFFD");
  EXPECT_FALSE(is_valid("a\x80"));
  EXPECT_TRUE(is_valid("caf\u00e9 \u20ac \U0001F600"));
  EXPECT_TRUE(is_valid("\uFFFD"));  // a real U+FFFD is not damage
}

TEST(Utf8, PythonCaseSemantics) {
  EXPECT_TRUE(str_isupper("U.S."));
  EXPECT_FALSE(str_isupper("..."));
  EXPECT_TRUE(str_islower("\u00e9t\u00e9"));
  EXPECT_EQ(to_lower("\u00c9T\u00c9 ABC"), "\u00e9t\u00e9 abc");
  EXPECT_EQ(length("\u00e9t\u00e9"), 3u);
}

TEST(Utf8, PythonClasses) {
  EXPECT_TRUE(is_space(0xA0));
  EXPECT_TRUE(is_space(0x3000));
  EXPECT_FALSE(is_space(0x200B));  // zero-width space is not whitespace to Python
  EXPECT_TRUE(is_word(U'_'));
  EXPECT_TRUE(is_word(0x0416));  // Ж
  EXPECT_FALSE(is_word(U'-'));
}

}  // namespace
}  // namespace parlance::utf8
