#include "text/word_tokenizer.h"

#include <gtest/gtest.h>

#include "text/tokenizer.h"

namespace parlance {
namespace {

std::vector<std::string> split(std::string_view s, Lang lang = Lang::En) {
  std::vector<std::string_view> views;
  WordTokenizer(lang).tokenize(s, views);
  return std::vector<std::string>(views.begin(), views.end());
}

std::vector<std::string> tokens(const TextTokenizer& t, const std::vector<std::string_view>& fields) {
  TokenList out;
  t.tokenize(fields, out);
  return out.strings();
}
using V = std::vector<std::string>;

TEST(WordTokenizer, Contractions) {
  EXPECT_EQ(split("I don't know, it's John's and we'll see. Can't won't I'm"),
            (V{"I", "do", "n't", "know", ",", "it", "'s", "John", "'s", "and", "we", "'ll", "see", ".", "Ca",
               "n't", "wo", "n't", "I", "'m"}));
}

// "etc." is not among spaCy v2's English exceptions: its "." splits off.
TEST(WordTokenizer, PunctuationPeelsButAbbreviationsAndNumbersStay) {
  EXPECT_EQ(split("(Hello), \"world\"! U.S. costs $1 or 75.00 etc. USA. Ph.D. e.g. 1,000"),
            (V{"(", "Hello", ")", ",", "\"", "world", "\"", "!", "U.S.", "costs", "$", "1", "or", "75.00", "etc", ".",
               "USA", ".", "Ph.D.", "e.g.", "1,000"}));
}

TEST(WordTokenizer, UrlsEmailsEmoticonsWhole) {
  EXPECT_EQ(split("see http://www.example.com/a?b=1, mail jane.doe@example.org. :) <3 :-("),
            (V{"see", "http://www.example.com/a?b=1", ",", "mail", "jane.doe@example.org", ".", ":)", "<3", ":-("}));
}

TEST(WordTokenizer, InfixesHyphensEllipsesUnits) {
  EXPECT_EQ(split("well-known 1-2 wait...what 10km 50% end.Start"),
            (V{"well", "-", "known", "1", "-", "2", "wait", "...", "what", "10", "km", "50", "%", "end", ".",
               "Start"}));
}

TEST(WordTokenizer, UnicodeLettersAndPunctuation) {
  EXPECT_EQ(split("\u00abCaf\u00e9\u00bb \u201cna\u00efve\u201d \u041c\u043e\u0441\u043a\u0432\u0430, \u00bfqu\u00e9?"),
            (V{"\u00ab", "Caf\u00e9", "\u00bb", "\u201c", "na\u00efve", "\u201d", "\u041c\u043e\u0441\u043a\u0432\u0430",
               ",", "\u00bf", "qu\u00e9", "?"}));
}

TEST(WordTokenizer, WhitespaceRunsBecomeTokensLikeSpacy) {
  EXPECT_EQ(split("xxbos xxmaj hi . \n \n xxmaj yes \n"), (V{"xxbos", "xxmaj", "hi", ".", "\n \n ", "xxmaj", "yes", "\n"}));
}

TEST(WordTokenizer, French) {
  EXPECT_EQ(split("Qu\u2019est-ce que l'homme pensez-vous ? A-t-il d\u2019accord aujourd'hui.", Lang::Fr),
            (V{"Qu\u2019", "est", "-ce", "que", "l'", "homme", "pensez", "-vous", "?", "A", "-t", "-il", "d\u2019",
               "accord", "aujourd'hui", "."}));
}

TEST(TextTokenizer, FastaiPipelineEndToEnd) {
  TextTokenizer t(TokenizerOptions{});
  EXPECT_EQ(tokens(t, {"I LOVE this Movie!!!!<br /><br />Don't miss it."}), (V{"xxbos", "i", "xxup", "love", "this", "xxmaj", "movie", "xxrep", "4", "!", "\n \n ", "xxmaj",
                    "do", "n't", "miss", "it", "."}));
}

TEST(TextTokenizer, ByteOrderMarkIsNotText) {
  TextTokenizer t(TokenizerOptions{});
  EXPECT_EQ(tokens(t, {"\xEF\xBB\xBF" "First words"}), (V{"xxbos", "xxmaj", "first", "words"}));
  TokenizerOptions o;
  o.kind = TokenizerKind::Pretokenized;
  o.add_bos = false;
  EXPECT_EQ(tokens(TextTokenizer(o), {"\xEF\xBB\xBF" "The cat"}), (V{"The", "cat"}));
}

TEST(WordTokenizer, IssueCasesStandAloneClitictsDecadesAndUnits) {
  // WikiText writes possessives apart: spaCy keeps 's 're 'll 'd whole.
  EXPECT_EQ(split("the king 's men they 're here we 'll see"),
            (V{"the", "king", "'s", "men", "they", "'re", "here", "we", "'ll", "see"}));
  EXPECT_EQ(split("the 1960s 3h 10min 5ms 10km 5in"), (V{"the", "1960s", "3h", "10min", "5ms", "10", "km", "5", "in"}));
}

TEST(TextTokenizer, MarkFieldsAndEos) {
  TokenizerOptions o;
  o.mark_fields = true;
  o.add_eos = true;
  TextTokenizer t(o);
  EXPECT_EQ(tokens(t, {"Title", "body text"}), (V{"xxbos", "xxfld", "1", "xxmaj", "title", "xxfld", "2", "body", "text", "xxeos"}));
}

TEST(TextTokenizer, PretokenizedAndChar) {
  TokenizerOptions o;
  o.kind = TokenizerKind::Pretokenized;
  o.add_bos = false;
  EXPECT_EQ(tokens(TextTokenizer(o), {" The <unk> cat \n = = Sub = = \n"}), (V{"The", "xxunk", "cat", "xxeos", "=", "=", "Sub", "=", "=", "xxeos"}));
  o.kind = TokenizerKind::Char;
  EXPECT_EQ(tokens(TextTokenizer(o), {"\u00e9a\n"}), (V{"\u00e9", "a", "\n"}));
}

}  // namespace
}  // namespace parlance
