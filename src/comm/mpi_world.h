#pragma once
// Host-side collectives over MPI_COMM_WORLD for the preprocessing stage:
// counters, byte blobs and a clean way for one failing rank to stop all.
// (Tensor collectives for training live behind the Communicator interface.)
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace parlance::mpi {

// RAII: MPI_Init on construction (MPI_THREAD_SERIALIZED requested), MPI_Finalize on exit.
class World {
 public:
  World(int* argc, char*** argv);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;
};

// True when the MPI library granted MPI_THREAD_SERIALIZED or more: any
// thread may call MPI, one at a time. False before World or when the library
// only allows the main thread.
bool calls_from_any_thread();
int rank();
int size();
// This process's rank among the ranks of its node (MPI_Comm_split_type SHARED):
// which GPU it takes.
int local_rank();
// How many ranks run on this process's node.
int local_size();
void barrier();
uint64_t allreduce_sum(uint64_t v);
uint64_t allreduce_max(uint64_t v);
double allreduce_max(double v);
// Sum of v over ranks below this one.
uint64_t exscan_sum(uint64_t v);
// Every rank's blob, in rank order, on every rank.
std::vector<std::string> allgather(const std::string& blob);
std::vector<uint64_t> allgather(uint64_t v);
std::vector<double> allgather(double v);
// Rank `root`'s blob on every rank.
std::string broadcast(const std::string& blob, int root = 0);
// True on every rank if `failed` is true on any: lets all ranks stop together
// at a checkpoint with rank 0 reporting, instead of hanging in the next collective.
bool any(bool failed);
// Runs `f` on every rank; if it throws a UserError anywhere, every rank
// throws an AgreedError with the lowest failing rank's message (no rank is
// left waiting in a later collective, rank 0 alone reports it).
template <class F>
void collectively(F&& f) {
  std::string err;
  try {
    f();
  } catch (const UserError& e) {
    err = e.what();
    if (err.empty()) err = "error";
  }
  for (const auto& e : allgather(err))
    if (!e.empty()) throw AgreedError(e);
}

// Ends every rank now (MPI_Abort when more than one rank runs).
[[noreturn]] void abort_all(int code);

}  // namespace parlance::mpi
