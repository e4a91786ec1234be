// The lane helpers the text scans stand on: bits() gives lane k as bit k and
// any() says whether a lane is set, for every single lane and random masks
// (checked against a plain loop over the lanes).
#include "text/byte_lanes.h"

#include <gtest/gtest.h>

#include <random>

namespace parlance {
namespace {

uint32_t bits_by_loop(lanes::Mask16 m) {
  uint32_t b = 0;
  for (int k = 0; k < 16; ++k) b |= m[k] ? 1u << k : 0;
  return b;
}

TEST(ByteLanes, BitsAndAnyMatchTheLanes) {
  lanes::Mask16 none{};
  EXPECT_EQ(lanes::bits(none), 0u);
  EXPECT_FALSE(lanes::any(none));
  for (int k = 0; k < 16; ++k) {
    lanes::Mask16 one{};
    one[k] = -1;
    EXPECT_EQ(lanes::bits(one), 1u << k) << k;
    EXPECT_TRUE(lanes::any(one)) << k;
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 1000; ++trial) {
    lanes::Mask16 m{};
    for (int k = 0; k < 16; ++k) m[k] = rng() & 1 ? -1 : 0;
    EXPECT_EQ(lanes::bits(m), bits_by_loop(m));
    EXPECT_EQ(lanes::any(m), bits_by_loop(m) != 0);
  }
  // As the scans make them: a comparison of loaded bytes.
  const char text[] = "a b  c\td\xC3\xA9" "fghij";
  const lanes::Mask16 spaces = lanes::load16(text) == ' ';
  EXPECT_EQ(lanes::bits(spaces), 0b11010u);
}

}  // namespace
}  // namespace parlance
