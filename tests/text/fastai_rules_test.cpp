// Expected strings are what fastai v1's rules (Python `re`/`html`) return for
// the same input; bench/fastai_rules_ref.py reproduces them.
#include "text/fastai_rules.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

TEST(FixHtml, FastaiDocExample) { EXPECT_EQ(fix_html("Some HTML&nbsp;text<br />"), "Some HTML& text\n"); }

TEST(FixHtml, FullReplacementListThenUnescape) {
  EXPECT_EQ(fix_html("a &amp; b &lt;3 #39;x #146; \\n y \\\"q\\\" <unk> 3 @.@ 5 well @-@ known 1 @,@ 000 "
                     "back\\slash &eacute &notit; &#x41; &#128; &#0; &#xD800;"),
            "a && b <3 'x ' \n y \"q\" xxunk 3.5 well-known 1,000 back \\ slash \u00e9 \u00acit; A \u20ac "
            "\ufffd \ufffd");
}

TEST(FixHtml, AmpersandsThatAreNotReferences) { EXPECT_EQ(fix_html("&&amp;&#;&#x;"), "&&&&#;&#x;"); }

TEST(ReplaceRep, CharacterRepeats) {
  EXPECT_EQ(replace_rep("I'm so excited!!!!!!!!"), "I'm so excited xxrep 8 ! ");
  EXPECT_EQ(replace_rep("aaa bbbb \u00e9\u00e9\u00e9\u00e9    x"), "aaa  xxrep 4 b   xxrep 4 \u00e9     x");
  EXPECT_EQ(replace_rep("zzzz\n\n\n\n"), " xxrep 4 z \n\n\n\n");  // whitespace never repeats
}

TEST(ReplaceWrep, WordRepeats) {
  EXPECT_EQ(replace_wrep("I've never ever ever ever ever ever ever ever done this."),
            "I've never  xxwrep 7 ever  done this.");
  EXPECT_EQ(replace_wrep("go go go go"), "go go go go");  // the last "go" has no \W+ after it
  EXPECT_EQ(replace_wrep("la la la la la la"), " xxwrep 5 la  la");
  EXPECT_EQ(replace_wrep("the the the the. yes"), "the the the the. yes");
}

TEST(ReplaceWrep, CountsLikePythonSplitEvenWhenOdd) {
  // fastai counts len(cc.split()) + 1: separators without spaces undercount.
  EXPECT_EQ(replace_wrep("a-a-a-a-a b"), " xxwrep 2 a- a b");
}

TEST(SpecAddSpaces, SlashHashNewline) {
  EXPECT_EQ(spec_add_spaces("I #like to #put #hashtags #everywhere!"),
            "I  # like to  # put  # hashtags  # everywhere!");
  EXPECT_EQ(spec_add_spaces("a/b\nc"), "a / b \n c");
}

TEST(RmUselessSpaces, Collapses) {
  EXPECT_EQ(rm_useless_spaces("Inconsistent   use  of     spaces."), "Inconsistent use of spaces.");
}

// The word-at-a-time scans must not miss a run that straddles 8-byte words,
// opens or ends the text: every placement of a few spaces, slashes, hashes
// and newlines in texts of 1 to 24 bytes, against the plain definition.
std::string collapse_spaces(const std::string& t) {
  std::string out;
  for (char c : t)
    if (c != ' ' || out.empty() || out.back() != ' ') out.push_back(c);
  return out;
}

TEST(RmUselessSpaces, EveryPlacementAcrossWordBoundaries) {
  for (size_t n = 1; n <= 24; ++n)
    for (size_t a = 0; a < n; ++a)
      for (size_t len = 1; a + len <= n && len <= 3; ++len) {
        std::string t(n, 'x');
        t.replace(a, len, std::string(len, ' '));
        t[(a + 5) % n] = ' ';
        EXPECT_EQ(rm_useless_spaces(t), collapse_spaces(t)) << "\"" << t << "\"";
      }
}

TEST(PreRules, SpacingEveryPlacementAcrossWordBoundaries) {
  const std::string specials = " /#\n";
  for (size_t n = 1; n <= 24; ++n)
    for (size_t a = 0; a < n; ++a)
      for (char c1 : specials)
        for (char c2 : specials) {
          std::string t;  // letters that never repeat, so only the spacing rules act
          for (size_t i = 0; i < n; ++i) t.push_back(static_cast<char>('a' + i % 26));
          t[a] = c1;
          if (a + 1 < n) t[a + 1] = c2;
          EXPECT_EQ(apply_pre_rules(t), collapse_spaces(spec_add_spaces(collapse_spaces(t)))) << "\"" << t << "\"";
        }
}

std::vector<std::string> post(const std::vector<std::string_view>& in) {
  TokenList out;
  apply_post_rules(in, out);
  return out.strings();
}

// Expected: fastai's deal_caps(replace_all_caps(tokens)).
TEST(PostRules, AllCapsThenCapitalized) {
  EXPECT_EQ(post({"Mark", "CAPITALIZED", "Only", "U.S.", "I", "\u00c9T\u00c9"}),
            (std::vector<std::string>{"xxmaj", "mark", "xxup", "capitalized", "xxmaj", "only", "xxup", "u.s.", "i",
                                      "xxup", "\u00e9t\u00e9"}));
  EXPECT_EQ(post({"Mark", "Capitalized", "Only", "I", "\u00c9t\u00e9", "McDonald", ""}),
            (std::vector<std::string>{"xxmaj", "mark", "xxmaj", "capitalized", "xxmaj", "only", "i", "xxmaj",
                                      "\u00e9t\u00e9", "mcdonald"}));
}

}  // namespace
}  // namespace parlance
