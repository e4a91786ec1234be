// The screen may say "run the rule" needlessly, never "skip it" wrongly: a
// false flag must mean the rule leaves the text as it is. Texts are built from
// pieces that hit each rule at every offset and around the 16-byte steps and
// the tail the screen pads.
#include "text/rule_screen.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text/fastai_rules.h"

namespace parlance {
namespace {

std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "b", "go ", "The ", " ", "  ", "\t", "\n", "/", "#", ";", "\\", "<", "@", "&", "$", "%", "?", "!",
      "\u00e9", "\u00e9\u00e9", "\u65e5", "\u2026", "\U0001F600", "\xC3", "\x80", "\xE2\x80", "xx", "aaa", "...."};
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1), count(0, 40);
  std::string t;
  for (size_t k = count(rng); k > 0; --k) t += pieces[pick(rng)];
  return t;
}

TEST(RuleScreen, AFalseFlagMeansTheRuleLeavesTheTextAlone) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 30000; ++trial) {
    const std::string t = random_text(rng);
    const RuleScreen s = screen_rules(t);
    if (!s.html && !s.double_space) EXPECT_EQ(fix_html(t), t) << trial;
    if (!s.double_space) EXPECT_EQ(rm_useless_spaces(t), t) << trial;
    if (!s.spaced) EXPECT_EQ(spec_add_spaces(t), t) << trial;
    if (!s.repeat) EXPECT_EQ(replace_rep(t), t) << trial;
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(RuleScreen, CharacterFlagsAreExact) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 30000; ++trial) {
    const std::string t = random_text(rng);
    const RuleScreen s = screen_rules(t);
    EXPECT_EQ(s.html, t.find_first_of("#;\\<@&") != std::string::npos) << trial;
    EXPECT_EQ(s.double_space, t.find("  ") != std::string::npos) << trial;
    EXPECT_EQ(s.spaced, t.find_first_of("/#\n") != std::string::npos) << trial;
    if (::testing::Test::HasFailure()) break;
  }
}

// Each repeat the rule acts on, at every offset of texts of every length up
// to three steps: one lane too few, or a tail read short, fails here.
TEST(RuleScreen, SeesEveryRepeatAtEveryOffset) {
  const std::vector<std::string> runs = {"zzzz", "!!!!", "\u00e9\u00e9\u00e9\u00e9", "\u2026\u2026\u2026\u2026",
                                         "\U0001F600\U0001F600\U0001F600\U0001F600", "\x80\x80\x80\x80",
                                         "\xE2\x80\xE2\x80\xE2\x80\xE2\x80"};
  for (const auto& run : runs)
    for (size_t before = 0; before < 48; ++before)
      for (size_t after = 0; after < 20; ++after) {
        std::string t;  // alternating bytes around the run: no other run
        for (size_t k = 0; k < before; ++k) t += "xy"[k % 2];
        t += run;
        for (size_t k = 0; k < after; ++k) t += "-+"[k % 2];
        ASSERT_NE(replace_rep(t), t) << "run " << run << " at " << before;
        EXPECT_TRUE(screen_rules(t).repeat) << "run " << run << " at " << before << " of " << t.size();
      }
}

TEST(RuleScreen, PlainSentencesPassUnflagged) {
  const RuleScreen s = screen_rules("xxbos Where did you put the keys? xxeos");
  EXPECT_FALSE(s.html || s.double_space || s.spaced || s.repeat);
  EXPECT_FALSE(screen_rules("xxbos O\u00f9 as-tu mis les cl\u00e9s ? xxeos").repeat);
  EXPECT_FALSE(screen_rules("").repeat);
}

}  // namespace
}  // namespace parlance
