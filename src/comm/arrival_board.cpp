#include "comm/arrival_board.h"

#include <algorithm>

#include "comm/mpi_check.h"

namespace parlance {

ArrivalBoard::ArrivalBoard() {
  PARLANCE_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
  PARLANCE_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &size_));
  PARLANCE_MPI_CHECK(MPI_Win_allocate(static_cast<MPI_Aint>(size_ * sizeof(int64_t)), sizeof(int64_t), MPI_INFO_NULL,
                                      MPI_COMM_WORLD, &slots_, &win_));
  for (int r = 0; r < size_; ++r) slots_[r] = 0;
  // Nobody may write a slot before its owner zeroed it.
  PARLANCE_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
  // One passive-target epoch for the process's life: puts need no
  // participation from the ranks written to.
  PARLANCE_MPI_CHECK(MPI_Win_lock_all(MPI_MODE_NOCHECK, win_));
}

void ArrivalBoard::arrive(int64_t count) {
  for (int r = 0; r < size_; ++r) PARLANCE_MPI_CHECK(MPI_Put(&count, 1, MPI_INT64_T, r, rank_, 1, MPI_INT64_T, win_));
  PARLANCE_MPI_CHECK(MPI_Win_flush_all(win_));
}

std::vector<int64_t> ArrivalBoard::seen() const {
  std::vector<int64_t> out(size_);
  // Aligned 8-byte slots written whole by MPI: an atomic load reads either
  // the old or the new count, never a torn one.
  for (int r = 0; r < size_; ++r) out[r] = __atomic_load_n(&slots_[r], __ATOMIC_ACQUIRE);
  return out;
}

std::vector<int> absent_ranks(const std::vector<int64_t>& seen, int64_t mine) {
  std::vector<int> out;
  for (size_t r = 0; r < seen.size(); ++r)
    if (seen[r] < mine) out.push_back(static_cast<int>(r));
  return out;
}

int reporting_rank(const std::vector<int64_t>& seen, int64_t mine) {
  for (size_t r = 0; r < seen.size(); ++r)
    if (seen[r] >= mine) return static_cast<int>(r);
  return -1;
}

std::string rank_list(const std::vector<int>& ranks) {
  constexpr size_t kNamed = 16;
  if (ranks.empty()) return "no rank";
  std::string out = ranks.size() == 1 ? "rank " : "ranks ";
  const size_t named = std::min(ranks.size(), kNamed);
  for (size_t i = 0; i < named; ++i) {
    if (i > 0) out += (i + 1 == ranks.size()) ? " and " : ", ";
    out += std::to_string(ranks[i]);
  }
  if (ranks.size() > kNamed) out += " and " + std::to_string(ranks.size() - kNamed) + " more";
  return out;
}

}  // namespace parlance
