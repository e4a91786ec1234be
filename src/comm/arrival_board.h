#pragma once
// Which ranks reached which collective, readable by a rank that is stuck in
// one. Every rank holds a small MPI window with one slot per rank; a rank
// entering its k-th blocking collective writes k into its own slot on every
// rank (one-sided puts, then a flush), so the watchdog thread of a rank that
// waits in collective k can read, from local memory and without any MPI call,
// which peers never got there: those whose slot is still below k.
//
// Invariants: every rank enters the same collectives in the same order (MPI
// requires it), so counts are comparable across ranks; only the thread that
// owns MPI calls arrive(); seen() is safe from any thread.
// Cost: size() puts of 8 bytes and a flush per collective (about 1 µs for
// 2 ranks on one node, 12 µs for 3 oversubscribed ranks on 2 cores).
// With Open MPI's pt2pt one-sided component (TCP), a put to a stopped rank
// never completes, so an arriving rank may wait in its flush: it is then
// inside the collective's wait mark, and the watchdog still ends the job.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

class ArrivalBoard {
 public:
  ArrivalBoard();  // collective over MPI_COMM_WORLD
  // The window is left to MPI_Finalize: freeing it is collective, and a rank
  // that ends on an error may never reach the others' free.
  ~ArrivalBoard() = default;
  ArrivalBoard(const ArrivalBoard&) = delete;
  ArrivalBoard& operator=(const ArrivalBoard&) = delete;

  // Tells every rank that this one entered its `count`-th collective.
  void arrive(int64_t count);
  // Each rank's last count as this rank has seen it, in rank order.
  std::vector<int64_t> seen() const;

 private:
  MPI_Win win_ = MPI_WIN_NULL;
  int64_t* slots_ = nullptr;
  int rank_ = 0, size_ = 1;
};

// Ranks whose count is below `mine`: the ones a collective entered as number
// `mine` still waits for.
std::vector<int> absent_ranks(const std::vector<int64_t>& seen, int64_t mine);
// The rank that reports a hang: the lowest one that entered the collective
// (count >= `mine`), so that one line, not one per waiting rank, ends the job.
int reporting_rank(const std::vector<int64_t>& seen, int64_t mine);
// "rank 3", "ranks 1 and 4", "ranks 0, 2 and 5", "ranks 0, 1, …, 15 and 84 more".
std::string rank_list(const std::vector<int>& ranks);

}  // namespace parlance
