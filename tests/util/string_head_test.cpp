#include "util/string_head.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace parlance {
namespace {

TEST(StringHead, LittleEndianHeadIsTheFirstEightBytesZeroPadded) {
  EXPECT_EQ(little_endian_head(""), 0u);
  EXPECT_EQ(little_endian_head("a"), uint64_t{'a'});
  EXPECT_EQ(little_endian_head("ab"), uint64_t{'a'} | uint64_t{'b'} << 8);
  // Only 8 bytes count: strings sharing them share the head.
  EXPECT_EQ(little_endian_head("abcdefgh"), little_endian_head("abcdefghXYZ"));
  EXPECT_NE(little_endian_head("abcdefg"), little_endian_head("abcdefgh"));
  const std::string buffer = "xyz" + std::string("tail beyond the view");
  EXPECT_EQ(little_endian_head(std::string_view(buffer.data(), 3)), little_endian_head("xyz"));
}

TEST(StringHead, BigEndianHeadsOrderAsTheStringsDoWhereTheyDiffer) {
  std::vector<std::string> words = {"b", "a", "ab", "abcdefgh", "abcdefgg", "\xff", "abc", "", "zz", "abcdefg"};
  for (const auto& x : words)
    for (const auto& y : words)
      if (big_endian_head(x) != big_endian_head(y)) EXPECT_EQ(big_endian_head(x) < big_endian_head(y), x < y) << x << " " << y;
  EXPECT_EQ(big_endian_head("abcdefghA"), big_endian_head("abcdefghB"));  // a tie: whole strings decide
}

}  // namespace
}  // namespace parlance
