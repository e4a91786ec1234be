// Runs under mpirun (ctest starts it with 1, 2 and 3 ranks): what each rank
// writes on the board is what every rank reads back, and the hang report's
// pieces (who is absent, who reports, how they are named).
#include "comm/arrival_board.h"

#include <gtest/gtest.h>

#include "comm/mpi_world.h"

namespace parlance {
namespace {

TEST(ArrivalBoard, EveryRankSeesEveryRanksLastArrival) {
  ArrivalBoard board;
  const int n = mpi::size(), r = mpi::rank();
  EXPECT_EQ(board.seen(), std::vector<int64_t>(n, 0));
  mpi::barrier();  // everyone has looked before anyone writes
  for (int64_t k = 1; k <= 3; ++k) board.arrive(k * 100 + r);
  mpi::barrier();  // every rank's puts were flushed before it entered the barrier
  std::vector<int64_t> want(n);
  for (int q = 0; q < n; ++q) want[q] = 300 + q;
  EXPECT_EQ(board.seen(), want);
}

TEST(ArrivalBoard, RanksBehindAreTheAbsentOnes) {
  ArrivalBoard board;
  const int n = mpi::size(), r = mpi::rank();
  board.arrive(r % 2 == 0 ? 7 : 6);  // odd ranks one collective behind
  mpi::barrier();
  const std::vector<int64_t> seen = board.seen();
  std::vector<int> odd;
  for (int q = 1; q < n; q += 2) odd.push_back(q);
  EXPECT_EQ(absent_ranks(seen, 7), odd);
  EXPECT_EQ(reporting_rank(seen, 7), 0);
  EXPECT_TRUE(absent_ranks(seen, 6).empty());
}

TEST(HangReport, AbsentAndReportingRanks) {
  const std::vector<int64_t> seen{4, 5, 5, 3, 6};
  EXPECT_EQ(absent_ranks(seen, 5), (std::vector<int>{0, 3}));
  EXPECT_EQ(reporting_rank(seen, 5), 1);  // rank 0 is absent: the lowest that arrived reports
  EXPECT_EQ(reporting_rank(seen, 6), 4);
  EXPECT_EQ(reporting_rank(seen, 7), -1);
  EXPECT_EQ(absent_ranks(seen, 3), std::vector<int>{});
}

TEST(HangReport, RankLists) {
  EXPECT_EQ(rank_list({3}), "rank 3");
  EXPECT_EQ(rank_list({1, 4}), "ranks 1 and 4");
  EXPECT_EQ(rank_list({0, 2, 5}), "ranks 0, 2 and 5");
  std::vector<int> many(100);
  for (int i = 0; i < 100; ++i) many[i] = i;
  EXPECT_EQ(rank_list(many), "ranks 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 and 84 more");
  std::vector<int> sixteen(many.begin(), many.begin() + 16);
  EXPECT_EQ(rank_list(sixteen), "ranks 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 15");
}

}  // namespace
}  // namespace parlance
