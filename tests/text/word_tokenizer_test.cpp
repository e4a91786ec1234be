#include "text/word_tokenizer.h"

#include <gtest/gtest.h>

#include <random>
#include <utility>

#include "text/tokenizer.h"

namespace parlance {
namespace {

std::vector<std::string> split(std::string_view s, Lang lang = Lang::En) {
  std::vector<std::string_view> views;
  WordTokenizer(lang).tokenize(s, views);
  return std::vector<std::string>(views.begin(), views.end());
}

std::vector<std::string> tokens(const TextTokenizer& t, const TextFields& fields) {
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
  // Every infix character, in words that hold no other (split_infixes skips words that hold none).
  EXPECT_EQ(split("foo~bar a,b 3*4 3^4 1+2 a:b a<b a>b a=b a/b x\u2014y"),
            (V{"foo", "~", "bar", "a", ",", "b", "3", "*", "4", "3", "^", "4", "1", "+", "2", "a", ":", "b", "a", "<", "b",
               "a", ">", "b", "a", "=", "b", "a", "/", "b", "x", "\u2014", "y"}));
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

TEST(WordTokenizer, UnitsAfterAnyDigitAtTheLongestUnitsDistance) {
  // The longest units (4 bytes) put their digit furthest from the end; a
  // non-ASCII digit (Arabic-Indic three, superscript two) counts too.
  EXPECT_EQ(split("9km/h 9mbar 9km\u00b2 9\u00b5m \u0663km x\u00b2km"),
            (V{"9", "km/h", "9", "mbar", "9", "km\u00b2", "9", "\u00b5m", "\u0663", "km", "x\u00b2", "km"}));
  EXPECT_EQ(split("akm km/h mbar 9 km x9akm"), (V{"akm", "km", "/", "h", "mbar", "9", "km", "x9akm"}));
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

namespace parlance {
namespace {

// WordPieces' contract, written the plain way: maximal runs of space and
// non-space characters (Python's str.isspace on code points), a whitespace
// run losing the one ' ' that ends a previous piece.
std::vector<std::pair<std::string, bool>> reference_pieces(std::string_view t) {
  std::vector<std::pair<std::string, bool>> out;
  size_t i = 0, len = 0;
  while (i < t.size()) {
    const size_t start = i;
    const bool ws = utf8::is_space(utf8::decode(t, i, &len));
    while (i < t.size() && utf8::is_space(utf8::decode(t, i, &len)) == ws) i += len;
    const size_t from = ws && t[start] == ' ' && !out.empty() ? start + 1 : start;
    if (from < i) out.emplace_back(std::string(t.substr(from, i - from)), !ws);
  }
  return out;
}

TEST(WordPieces, SameAsThePlainLoopOnEveryAlignment) {
  // Spaces, controls that are and are not spaces, a non-ASCII letter and a
  // non-ASCII space, placed at every offset of the 8-byte steps.
  const std::vector<std::string> parts{"a", "b", "Z", "!", "9", " ", "  ", "\t", "\n", "\x1c", "\x01", "\x7f",
                                       "\xc3\xa9", "\xe3\x80\x80", "~", "abcdefghij"};
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string t;
    const int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) t += parts[rng() % parts.size()];
    std::vector<std::pair<std::string, bool>> got;
    WordPiece piece;
    for (WordPieces pieces(t); pieces.next(&piece);) got.emplace_back(std::string(piece.text), piece.is_chunk);
    ASSERT_EQ(got, reference_pieces(t)) << "text: \"" << t << "\"";
  }
}

}  // namespace
}  // namespace parlance
