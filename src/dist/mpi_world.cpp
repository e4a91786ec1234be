#include "dist/mpi_world.h"

#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

namespace parlance::mpi {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

}  // namespace

World::World(int* argc, char*** argv) {
  int provided = 0;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
}

World::~World() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

void barrier() { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

template <class T>
T allreduce(T v, MPI_Datatype type, MPI_Op op) {
  T out{};
  check(MPI_Allreduce(&v, &out, 1, type, op, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

uint64_t allreduce_sum(uint64_t v) { return allreduce(v, MPI_UINT64_T, MPI_SUM); }
uint64_t allreduce_max(uint64_t v) { return allreduce(v, MPI_UINT64_T, MPI_MAX); }
double allreduce_max(double v) { return allreduce(v, MPI_DOUBLE, MPI_MAX); }

uint64_t exscan_sum(uint64_t v) {
  uint64_t out = 0;
  check(MPI_Exscan(&v, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Exscan");
  return rank() == 0 ? 0 : out;  // MPI leaves rank 0's result undefined
}

std::vector<std::string> allgather(const std::string& blob) {
  const int n = size();
  // Blobs can exceed 2 GiB in total on huge vocabularies; MPI counts are int,
  // so lengths travel as uint64 and the payload goes in slices.
  std::vector<uint64_t> lens = allgather(static_cast<uint64_t>(blob.size()));
  std::vector<std::string> out(n);
  for (int r = 0; r < n; ++r) out[r].resize(lens[r]);
  out[rank()] = blob;
  for (int r = 0; r < n; ++r) {
    constexpr uint64_t kSlice = 1ull << 30;
    for (uint64_t off = 0; off < lens[r]; off += kSlice) {
      int count = static_cast<int>(std::min<uint64_t>(kSlice, lens[r] - off));
      check(MPI_Bcast(out[r].data() + off, count, MPI_CHAR, r, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  return out;
}

std::vector<uint64_t> allgather(uint64_t v) {
  std::vector<uint64_t> out(size());
  check(MPI_Allgather(&v, 1, MPI_UINT64_T, out.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD), "MPI_Allgather");
  return out;
}

std::vector<double> allgather(double v) {
  std::vector<double> out(size());
  check(MPI_Allgather(&v, 1, MPI_DOUBLE, out.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD), "MPI_Allgather");
  return out;
}

std::string broadcast(const std::string& blob, int root) {
  uint64_t len = blob.size();
  check(MPI_Bcast(&len, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = rank() == root ? blob : std::string(len, '\0');
  constexpr uint64_t kSlice = 1ull << 30;
  for (uint64_t off = 0; off < len; off += kSlice) {
    int count = static_cast<int>(std::min<uint64_t>(kSlice, len - off));
    check(MPI_Bcast(out.data() + off, count, MPI_CHAR, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  return out;
}

bool any(bool failed) { return allreduce(failed ? 1 : 0, MPI_INT, MPI_MAX) != 0; }

void abort_all(int code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized && size() > 1) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace parlance::mpi
