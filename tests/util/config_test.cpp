#include "util/config.h"

#include <gtest/gtest.h>

#include "data/prep_config.h"
#include "util/error.h"

namespace parlance {
namespace {

std::string error_of(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    Config::parse(text, "r.toml", sets, prep_schema());
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, OverridesWinAndKeepTypes) {
  Config c = Config::parse("[prep]\ninput = \"x\"\nmax_vocab = 100\n", "r.toml",
                           {"prep.max_vocab=30000", "prep.lang=fr", "prep.add_bos=false", "prep.text_cols=[1,2]"},
                           prep_schema());
  PrepConfig p = prep_config_from(c, "");
  EXPECT_EQ(p.max_vocab, 30000);
  EXPECT_EQ(p.tok.lang, Lang::Fr);
  EXPECT_FALSE(p.tok.add_bos);
  EXPECT_EQ(p.text_cols, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(p.out, "shards/r.h5");
}

TEST(Config, UnknownKeysWrongTypesAndRangesAreErrors) {
  EXPECT_NE(error_of("[prep]\nmax_vocabb = 1\n").find("r.toml: unknown key prep.max_vocabb"), std::string::npos);
  EXPECT_NE(error_of("[trian]\nx = 1\n").find("unknown section [trian]"), std::string::npos);
  EXPECT_NE(error_of("[prep]\nmax_vocab = \"big\"\n").find("prep.max_vocab must be an integer"), std::string::npos);
  EXPECT_NE(error_of("[prep]\nmin_freq = 0\n").find("prep.min_freq = 0 is out of range"), std::string::npos);
  EXPECT_NE(error_of("[prep]\ntokenizer = \"bert\"\n").find("is not one of: fastai"), std::string::npos);
  EXPECT_NE(error_of("[prep]\n", {"prep.nope=1"}).find("unknown key prep.nope"), std::string::npos);
  EXPECT_NE(error_of("[prep]\n", {"prep.valid_pct=2"}).find("prep.valid_pct = 2 is out of range"), std::string::npos);
  EXPECT_NE(error_of("[prep\n").find("r.toml:1: invalid TOML"), std::string::npos);
}

}  // namespace
}  // namespace parlance
