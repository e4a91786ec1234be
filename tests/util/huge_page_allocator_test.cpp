// Large blocks are 2 MiB-aligned and advised as huge pages (the kernel's
// "hg" flag on their mapping); small ones are plain malloc. Contents behave
// as in any vector.
#include "util/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>

namespace parlance {
namespace {

// The VmFlags line of the mapping in /proc/self/smaps that holds `p`.
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long lo, hi;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find('-') < line.find(' '))
      inside = lo <= at && at < hi;
    else if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}

TEST(HugePageAllocator, LargeBlocksAlignedAndAdvised) {
  HugeVector<uint64_t> big(kHugePageBytes / sizeof(uint64_t) * 2 + 3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % kHugePageBytes, 0u);
  std::iota(big.begin(), big.end(), 0);
  EXPECT_EQ(big.back(), big.size() - 1);
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string mode((std::istreambuf_iterator<char>(thp)), std::istreambuf_iterator<char>());
  if (mode.empty() || mode.find("[never]") != std::string::npos) GTEST_SKIP() << "transparent huge pages off here";
  const std::string flags = vm_flags_of(big.data());
  ASSERT_FALSE(flags.empty()) << "no mapping found in /proc/self/smaps";
  EXPECT_NE((" " + flags + " ").find(" hg "), std::string::npos) << flags;
}

TEST(HugePageAllocator, SmallBlocksAndGrowthKeepContents) {
  HugeVector<uint32_t> v;
  for (uint32_t i = 0; i < 1'000'000; ++i) v.push_back(i);  // from malloc'd blocks into advised ones
  for (uint32_t i = 0; i < v.size(); i += 997) ASSERT_EQ(v[i], i);
  HugeVector<char> tiny(3, 'x');
  EXPECT_EQ(std::string(tiny.begin(), tiny.end()), "xxx");
  HugeVector<char> none;
  none.reserve(0);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace parlance
