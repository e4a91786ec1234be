// The interner's invariant: the ids and counts it produces are exactly those
// of tokenizing each document and interning every token, whatever it had
// remembered or forgotten on the way.
#include "data/piece_interner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "text/tokenizer.h"

namespace parlance {
namespace {

struct Interned {
  std::vector<std::vector<uint32_t>> ids;  // per document
  std::vector<std::string> strings;
  std::vector<uint64_t> counts;
};

// The reference path: tokenize(), then TokenTable::intern() of every token.
Interned plain(const TextTokenizer& tok, const std::vector<std::string>& docs, const std::vector<bool>& counted) {
  Interned r;
  TokenTable table;
  for (size_t d = 0; d < docs.size(); ++d) {
    TokenList list;
    tok.tokenize({docs[d]}, list);
    r.ids.emplace_back();
    for (size_t k = 0; k < list.size(); ++k) r.ids.back().push_back(table.intern(list[k], counted[d]));
  }
  for (uint32_t i = 0; i < table.size(); ++i) r.strings.push_back(table.string(i)), r.counts.push_back(table.count(i));
  return r;
}

Interned memoized(const TextTokenizer& tok, const std::vector<std::string>& docs, const std::vector<bool>& counted,
                  size_t budget, size_t* forgotten = nullptr, uint32_t flush_every = uint32_t{1} << 31) {
  Interned r;
  TokenTable table;
  PieceInterner interner(tok, table, budget, flush_every);
  for (size_t d = 0; d < docs.size(); ++d) {
    std::string prepared;
    tok.prepared_text({docs[d]}, prepared);
    r.ids.emplace_back();
    interner.intern(prepared, counted[d], r.ids.back());
  }
  interner.flush_counts();
  for (uint32_t i = 0; i < table.size(); ++i) r.strings.push_back(table.string(i)), r.counts.push_back(table.count(i));
  if (forgotten) *forgotten = interner.forgotten();
  return r;
}

void expect_same(const Interned& a, const Interned& b) {
  EXPECT_EQ(a.strings, b.strings);
  EXPECT_EQ(a.counts, b.counts);
  ASSERT_EQ(a.ids.size(), b.ids.size());
  for (size_t d = 0; d < a.ids.size(); ++d) EXPECT_EQ(a.ids[d], b.ids[d]) << "document " << d;
}

// Chunks of one and of several tokens, short and longer than 8 bytes, with
// case marks, repeats, whitespace tokens and non-ASCII text, several times over.
const std::vector<std::string> kDocs = {
    "The cat sat on the mat. The cat didn't.\n\nThe END!!!! http://example.com/a?b=1",
    "the the the the the cat's \"quoted\" (parenthesised) well-known U.S. 1960s 10km",
    "Caf\u00e9 na\u00efve \u00c9T\u00c9 \u2014 l'homme \u00ab cit\u00e9 \u00bb didn't DIDN'T Didn't\n \n",
    "supercalifragilisticexpialidocious supercalifragilisticexpialidocious! #tag a/b",
    "The cat sat on the mat. The cat didn't.\n\nThe END!!!! http://example.com/a?b=1",
};

TEST(PieceInterner, SameIdsAndCountsAsTokenizingEveryToken) {
  TextTokenizer tok(TokenizerOptions{});
  std::vector<bool> counted = {true, true, false, true, true};  // a held-out document in the middle
  expect_same(memoized(tok, kDocs, counted, size_t{64} << 20), plain(tok, kDocs, counted));
}

TEST(PieceInterner, ForgettingUnderATinyBudgetChangesNothing) {
  TextTokenizer tok(TokenizerOptions{});
  std::vector<bool> counted(kDocs.size(), true);
  size_t forgotten = 0;
  Interned small = memoized(tok, kDocs, counted, 1 << 10, &forgotten);
  EXPECT_GT(forgotten, 0u);  // the budget was really reached
  expect_same(small, plain(tok, kDocs, counted));
}

// Hits are counted in the slots; flushing them into the table at any piece
// (here every 1, 2, 3 and 7 pieces, with and without forgetting) gives the same counts.
TEST(PieceInterner, FlushingSlotCountsAtAnyPieceChangesNothing) {
  TextTokenizer tok(TokenizerOptions{});
  std::vector<bool> counted = {true, false, true, true, true};
  const Interned want = plain(tok, kDocs, counted);
  for (uint32_t every : {1u, 2u, 3u, 7u}) {
    expect_same(memoized(tok, kDocs, counted, size_t{64} << 20, nullptr, every), want);
    expect_same(memoized(tok, kDocs, counted, 1 << 10, nullptr, every), want);
  }
}

TEST(PieceInterner, FrenchTokenizerAndRealText) {
  TokenizerOptions fr;
  fr.lang = Lang::Fr;
  TextTokenizer tok(fr);
  std::vector<std::string> docs;
  std::ifstream in("../shared/data/fra-eng/eng-fra.txt");
  if (!in) GTEST_SKIP() << "no ../shared/data/fra-eng/eng-fra.txt";
  for (std::string line; docs.size() < 3000 && std::getline(in, line);) docs.push_back(line.substr(line.find('\t') + 1));
  std::vector<bool> counted(docs.size(), true);
  expect_same(memoized(tok, docs, counted, size_t{64} << 20), plain(tok, docs, counted));
  expect_same(memoized(tok, docs, counted, 64 << 10), plain(tok, docs, counted));
}

TEST(PieceInterner, RefusesTokenizersThatDoNotWorkByPiece) {
  TokenizerOptions o;
  o.kind = TokenizerKind::Char;
  TextTokenizer tok(o);
  TokenTable table;
  EXPECT_THROW(PieceInterner(tok, table), std::logic_error);
}

}  // namespace
}  // namespace parlance
