#include "data/vocab.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "data/doc_parser.h"
#include "data/human_numbers.h"
#include "data/token_table.h"
#include "text/fastai_rules.h"

namespace parlance {
namespace {

TokenTable table(const std::vector<std::pair<std::string, int>>& counts) {
  TokenTable t;
  for (const auto& [s, n] : counts)
    for (int i = 0; i < n; ++i) t.intern(s);
  return t;
}

TEST(Vocab, SpecialsFirstThenCountDescThenBytes) {
  auto t = table({{"b", 3}, {"a", 3}, {"c", 5}, {"rare", 1}, {"xxmaj", 4}});
  Vocab v = Vocab::build(t, 60000, 2, 1);
  std::vector<std::string> expect = tok::kSpecials;
  expect.insert(expect.end(), {"c", "a", "b"});
  EXPECT_EQ(v.itos, expect);
  EXPECT_EQ(v.id("rare"), 0);  // below min_freq → xxunk
  EXPECT_EQ(v.counts[5], 4u);  // xxmaj keeps its count
}

TEST(Vocab, CapIncludesSpecialsAndPaddingToMultiple) {
  auto t = table({{"w1", 9}, {"w2", 8}, {"w3", 7}, {"w4", 6}});
  EXPECT_EQ(Vocab::build(t, 11, 1, 1).itos.size(), 11u);
  EXPECT_EQ(Vocab::build(t, 11, 1, 1).itos.back(), "w2");
  Vocab padded = Vocab::build(t, 60000, 1, 8);
  EXPECT_EQ(padded.itos.size(), 16u);
  EXPECT_EQ(padded.itos[13], "xxfake0");
  EXPECT_EQ(padded.counts[13], 0u);
}

// The ranking compares 8-byte heads before whole strings and fully sorts only
// what it keeps: against the plain definition (sort every candidate by count,
// then bytes) on tokens that share long prefixes, tie often and include
// specials, with and without a cap that cuts inside a tie.
TEST(Vocab, RankingEqualsPlainSortOnTiesAndSharedPrefixes) {
  std::mt19937 rng(7);
  TokenTable t;
  const std::string alphabet = "ab\xc3\xa9Z";
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 3 == 0 ? "prefix12" : "";
    for (size_t n = 1 + rng() % 11; n > 0; --n) s += alphabet[rng() % alphabet.size()];
    t.intern(i % 500 == 0 ? tok::kSpecials[rng() % tok::kSpecials.size()] : s);
  }
  for (uint32_t i = 0; i < t.size(); ++i) t.add_count(i, rng() % 4);
  for (int64_t cap : {60000, 9, 10, 200, 777}) {
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < t.size(); ++i)
      if (t.count(i) >= 2 && std::find(tok::kSpecials.begin(), tok::kSpecials.end(), t.string(i)) == tok::kSpecials.end())
        order.push_back(i);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return t.count(a) != t.count(b) ? t.count(a) > t.count(b) : t.string(a) < t.string(b);
    });
    std::vector<std::string> expect = tok::kSpecials;
    for (uint32_t i : order) expect.push_back(t.string(i));
    expect.resize(std::min<size_t>(expect.size(), static_cast<size_t>(cap)));
    const Vocab v = Vocab::build(t, cap, 2, 1);
    ASSERT_EQ(v.itos, expect) << "max_vocab " << cap;
    for (size_t i = tok::kSpecials.size(); i < v.itos.size(); ++i) EXPECT_EQ(v.counts[i], t.count(t.intern(v.itos[i], false)));
  }
}

TEST(TokenTable, MergeIsOrderIndependentForCounts) {
  auto a = table({{"x", 2}, {"y", 1}}), b = table({{"y", 4}, {"z", 1}});
  TokenTable ab, ba;
  ab.merge_serialized(a.serialize());
  ab.merge_serialized(b.serialize());
  ba.merge_serialized(b.serialize());
  ba.merge_serialized(a.serialize());
  EXPECT_EQ(Vocab::build(ab, 100, 1, 1).itos, Vocab::build(ba, 100, 1, 1).itos);
  EXPECT_EQ(ab.count(ab.intern("y")) - 1, 5u);
}

// What prep's ranks do: each starts the merge from its own table and adds
// the others'; the merged ids differ, but every rank builds the same
// vocabulary (counts, then bytes, order it totally, ties cut by the cap
// included), and its own entries, the first ids of its merge, map through
// entry_ids to their vocabulary ids.
TEST(TokenTable, MergingFromEachRanksOwnTableGivesOneVocabulary) {
  std::mt19937 rng(5);
  std::vector<TokenTable> ranks(3);
  for (auto& t : ranks)
    for (int i = 0; i < 3000; ++i) t.intern("t" + std::to_string(rng() % 900), rng() % 5 != 0);
  for (int64_t cap : {40, 333, 60000}) {
    std::vector<Vocab> vocabs;
    for (size_t r = 0; r < ranks.size(); ++r) {
      TokenTable merged = ranks[r];
      for (size_t q = 0; q < ranks.size(); ++q)
        if (q != r) merged.merge_serialized(ranks[q].serialize());
      std::vector<int32_t> entry_ids;
      vocabs.push_back(Vocab::build(merged, cap, 2, 8, &entry_ids));
      for (uint32_t i = 0; i < ranks[r].size(); ++i) {
        ASSERT_EQ(merged.string(i), ranks[r].string(i));
        ASSERT_EQ(entry_ids[i], vocabs.back().id(ranks[r].string(i)));
      }
      EXPECT_EQ(vocabs.back().itos, vocabs[0].itos) << "rank " << r << ", max_vocab " << cap;
      EXPECT_EQ(vocabs.back().counts, vocabs[0].counts) << "rank " << r << ", max_vocab " << cap;
    }
  }
}

// Slots match short tokens by their length and first 8 bytes: tokens that
// share a head, differ only in length or in a NUL, or pass 8 bytes keep their own ids.
TEST(TokenTable, TokensSharingHeadsKeepTheirOwnIds) {
  using namespace std::string_literals;
  std::vector<std::string> tokens = {"a", "a\0"s, "\0"s, "abcdefgh", "abcdefg", "abcdefgh\0"s, "abcdefghi", "abcdefghj",
                                     "xxmaj", "xxmajx"};
  for (int i = 0; i < 5000; ++i) tokens.push_back("prefix__" + std::to_string(i));  // grows the table several times
  for (int i = 0; i < 3000; ++i) tokens.push_back(std::to_string(i * 7919));
  TokenTable t;
  std::vector<uint32_t> ids;
  for (const auto& s : tokens) ids.push_back(t.intern(s));
  ASSERT_EQ(t.size(), tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(ids[i], i);
    EXPECT_EQ(t.intern(tokens[i]), ids[i]) << "token " << i;
    EXPECT_EQ(t.string(ids[i]), tokens[i]);
    EXPECT_EQ(t.count(ids[i]), 2u);
    EXPECT_EQ(t.find(tokens[i]), static_cast<int64_t>(ids[i]));
  }
  for (std::string absent : {"", "b", "prefix__", "prefix__5000", "abcdefgi", "xxma"}) EXPECT_EQ(t.find(absent), -1) << absent;
}

// id(): the first position of a string (a reused vocabulary may repeat one),
// xxunk's 0 for any string not in itos; from_itos takes counts from the table.
TEST(Vocab, IdIsTheFirstPositionOrUnk) {
  TokenTable t;
  t.intern("a"), t.intern("a"), t.intern("longer_than_8_bytes");
  const Vocab v = Vocab::from_itos({"xxunk", "xxpad", "a", "b", "a", "longer_than_8_bytes"}, t);
  EXPECT_EQ(v.id("xxunk"), 0);
  EXPECT_EQ(v.id("xxpad"), 1);
  EXPECT_EQ(v.id("a"), 2);
  EXPECT_EQ(v.id("b"), 3);
  EXPECT_EQ(v.id("longer_than_8_bytes"), 5);
  for (const char* absent : {"", "c", "longer_than_8_byte", "longer_than_8_bytes!"}) EXPECT_EQ(v.id(absent), 0) << absent;
  EXPECT_EQ(v.counts, (std::vector<uint64_t>{0, 0, 2, 0, 2, 1}));
  const Vocab built = Vocab::build(t, 100, 1, 1);
  for (size_t i = 0; i < built.itos.size(); ++i) EXPECT_EQ(built.id(built.itos[i]), static_cast<int32_t>(i));
}

// entry_ids[i] is id(global.string(i)) for every entry: kept tokens, those
// below min_freq or past the cap, specials (some cut by a tiny cap), a corpus
// token spelled like the padding ("xxfake0", kept or not), and a reused
// vocabulary that repeats strings or lacks some.
TEST(Vocab, EntryIdsEqualIdOfEachEntry) {
  std::mt19937 rng(11);
  TokenTable t;
  for (int i = 0; i < 2000; ++i) {
    const uint32_t pick = rng() % 400;
    t.intern(pick < 5 ? tok::kSpecials[pick % tok::kSpecials.size()] : pick == 5 ? "xxfake0" : "w" + std::to_string(pick));
  }
  const auto check = [&](const Vocab& v, const std::vector<int32_t>& ids, const std::string& what) {
    ASSERT_EQ(ids.size(), t.size()) << what;
    for (uint32_t i = 0; i < t.size(); ++i) ASSERT_EQ(ids[i], v.id(t.string(i))) << what << ": " << t.string(i);
  };
  for (int64_t min_freq : {1, 2, 6, 100})
    for (int64_t cap : {3, 9, 20, 60000})
      for (int64_t multiple : {1, 8, 64}) {
        std::vector<int32_t> ids;
        const Vocab v = Vocab::build(t, cap, min_freq, multiple, &ids);
        check(v, ids, "build " + std::to_string(min_freq) + "/" + std::to_string(cap) + "/" + std::to_string(multiple));
      }
  std::vector<int32_t> ids;
  const Vocab reused = Vocab::from_itos({"xxunk", "w7", "xxpad", "w7", "absent", "xxfake0", "w9", "xxunk"}, t, &ids);
  check(reused, ids, "from_itos");
}

TEST(RandomSplit, DependsOnDocumentIdentityOnlyAndHitsTheRate) {
  int valid = 0;
  for (uint64_t off = 0; off < 20000; ++off) valid += in_random_valid(42, 0, off * 37, 0.1);
  EXPECT_NEAR(valid / 20000.0, 0.1, 0.01);
  EXPECT_EQ(in_random_valid(42, 3, 1234, 0.1), in_random_valid(42, 3, 1234, 0.1));
}

TEST(HumanNumbers, Words) {
  EXPECT_EQ(number_to_words(1), "one");
  EXPECT_EQ(number_to_words(15), "fifteen");
  EXPECT_EQ(number_to_words(40), "forty");
  EXPECT_EQ(number_to_words(101), "one hundred one");
  EXPECT_EQ(number_to_words(8123), "eight thousand one hundred twenty three");
  EXPECT_EQ(number_to_words(9999), "nine thousand nine hundred ninety nine");
}

}  // namespace
}  // namespace parlance
