// Ids come back in order whether they stayed in memory, went to the scratch
// file, or straddle the two; the budget is shared and spent.
#include "data/spill_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

namespace parlance {
namespace {

std::vector<uint32_t> read_all(SpillFile& f, size_t piece) {
  f.rewind();
  std::vector<uint32_t> out, buf(piece);
  for (size_t n; (n = f.read(buf.data(), piece)) > 0;) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

TEST(SpillFile, MemoryThenFileInOrder) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  size_t budget = 10 * sizeof(uint32_t);  // shared: a holds 7 in memory, b the last 3
  SpillFile a(dir, &budget), b(dir, &budget);
  std::vector<uint32_t> ids(25);
  std::iota(ids.begin(), ids.end(), 100);
  a.append(ids.data(), 7);
  b.append(ids.data(), 5);   // 3 fit, 2 go to b's file
  a.append(ids.data() + 7, 18);  // all to a's file
  EXPECT_EQ(budget, 0u);
  EXPECT_EQ(a.size(), 25u);
  for (size_t piece : {1, 4, 7, 64}) {
    EXPECT_EQ(read_all(a, piece), ids) << "pieces of " << piece;
    EXPECT_EQ(read_all(b, piece), std::vector<uint32_t>(ids.begin(), ids.begin() + 5)) << "pieces of " << piece;
  }
}

// In memory, ids fill blocks of up to max_block_ids; reads of any size cross them.
TEST(SpillFile, IdsAcrossMemoryBlocksThenFileInOrder) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  std::vector<uint32_t> ids(100);
  std::iota(ids.begin(), ids.end(), 1);
  for (size_t block : {1, 3, 7, 64}) {
    size_t budget = 90 * sizeof(uint32_t);  // the last 10 go to the file
    SpillFile f(dir, &budget, block);
    for (size_t at = 0, step = 1; at < ids.size(); at += step, step = step % 13 + 4)
      f.append(ids.data() + at, std::min(step, ids.size() - at));
    EXPECT_EQ(budget, 0u);
    for (size_t piece : {1, 2, 5, 64, 200}) EXPECT_EQ(read_all(f, piece), ids) << "blocks of " << block << ", pieces of " << piece;
  }
}

TEST(SpillFile, NoBudgetMeansAllOnDiskAndBigBudgetAllInMemory) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  std::vector<uint32_t> ids(1000);
  std::iota(ids.begin(), ids.end(), 7);
  SpillFile disk(dir, nullptr);
  disk.append(ids.data(), ids.size());
  EXPECT_EQ(read_all(disk, 333), ids);
  size_t budget = 1 << 20;
  SpillFile mem(dir, &budget);
  mem.append(ids.data(), ids.size());
  EXPECT_EQ(budget, (1u << 20) - 4000);
  EXPECT_EQ(read_all(mem, 333), ids);
}

}  // namespace
}  // namespace parlance
