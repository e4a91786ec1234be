#include "comm/mpi_world.h"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "comm/collective_watchdog.h"
#include "comm/mpi_check.h"

namespace parlance::mpi {

void fail(int rc, const char* call, const char* file, int line) {
  char text[MPI_MAX_ERROR_STRING] = {0};
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) std::snprintf(text, sizeof text, "error code %d", rc);
  throw std::runtime_error(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " + text);
}

namespace {

// (rank, size) of this process in the communicator of its node.
std::pair<int, int> node_rank_and_size() {
  MPI_Comm node;
  PARLANCE_MPI_CHECK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  int r = 0, n = 0;
  PARLANCE_MPI_CHECK(MPI_Comm_rank(node, &r));
  PARLANCE_MPI_CHECK(MPI_Comm_size(node, &n));
  PARLANCE_MPI_CHECK(MPI_Comm_free(&node));
  return {r, n};
}

}  // namespace

int local_rank() { return node_rank_and_size().first; }
int local_size() { return node_rank_and_size().second; }

namespace {
int provided_level = MPI_THREAD_SINGLE;

// No launcher (mpirun, srun, a SLURM batch step) set up this process.
bool started_alone() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID"})
    if (std::getenv(var)) return false;
  return true;
}
}  // namespace

// SERIALIZED, not FUNNELED: on CUDA, autograd runs gradient hooks on its own
// device thread, so the reducer starts bucket allreduces from there while the
// main thread is blocked in backward() (one thread in MPI at a time).
World::World(int* argc, char*** argv) {
  // A process started alone has no peer to reach, yet Open MPI's cm PML
  // spends ~0.2 s probing for Omni-Path and libfabric adapters before the
  // ob1 PML it picks anyway (half of a data command's start-up). A user's own
  // OMPI_MCA_pml stands; launch/mpirun does the same for its ranks.
  if (started_alone()) setenv("OMPI_MCA_pml", "^cm", /*overwrite=*/0);
  PARLANCE_MPI_CHECK(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided_level));
}

bool calls_from_any_thread() { return provided_level >= MPI_THREAD_SERIALIZED; }

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

void barrier() {
  WaitingFor w("a barrier");
  PARLANCE_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
}

template <class T>
T allreduce(T v, MPI_Datatype type, MPI_Op op) {
  WaitingFor w("an allreduce");
  T out{};
  PARLANCE_MPI_CHECK(MPI_Allreduce(&v, &out, 1, type, op, MPI_COMM_WORLD));
  return out;
}

uint64_t allreduce_sum(uint64_t v) { return allreduce(v, MPI_UINT64_T, MPI_SUM); }
uint64_t allreduce_max(uint64_t v) { return allreduce(v, MPI_UINT64_T, MPI_MAX); }
double allreduce_max(double v) { return allreduce(v, MPI_DOUBLE, MPI_MAX); }

uint64_t exscan_sum(uint64_t v) {
  WaitingFor w("a prefix sum");
  uint64_t out = 0;
  PARLANCE_MPI_CHECK(MPI_Exscan(&v, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD));
  return rank() == 0 ? 0 : out;  // MPI leaves rank 0's result undefined
}

std::vector<std::string> allgather(const std::string& blob) {
  WaitingFor w("an allgather");
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
      PARLANCE_MPI_CHECK(MPI_Bcast(out[r].data() + off, count, MPI_CHAR, r, MPI_COMM_WORLD));
    }
  }
  return out;
}

std::vector<uint64_t> allgather(uint64_t v) {
  WaitingFor w("an allgather");
  std::vector<uint64_t> out(size());
  PARLANCE_MPI_CHECK(MPI_Allgather(&v, 1, MPI_UINT64_T, out.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD));
  return out;
}

std::vector<double> allgather(double v) {
  WaitingFor w("an allgather");
  std::vector<double> out(size());
  PARLANCE_MPI_CHECK(MPI_Allgather(&v, 1, MPI_DOUBLE, out.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD));
  return out;
}

std::string broadcast(const std::string& blob, int root) {
  WaitingFor w("a broadcast");
  uint64_t len = blob.size();
  PARLANCE_MPI_CHECK(MPI_Bcast(&len, 1, MPI_UINT64_T, root, MPI_COMM_WORLD));
  std::string out = rank() == root ? blob : std::string(len, '\0');
  constexpr uint64_t kSlice = 1ull << 30;
  for (uint64_t off = 0; off < len; off += kSlice) {
    int count = static_cast<int>(std::min<uint64_t>(kSlice, len - off));
    PARLANCE_MPI_CHECK(MPI_Bcast(out.data() + off, count, MPI_CHAR, root, MPI_COMM_WORLD));
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
