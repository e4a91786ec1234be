#pragma once
// Checked MPI calls: PARLANCE_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD)) throws
// with the call, file:line and MPI's own message (MPI_Error_string), so a
// failure says where and why instead of "MPI error". (Open MPI's default
// handler aborts on most errors before returning; the check covers the rest
// and any communicator set to MPI_ERRORS_RETURN.)
#include <string>

namespace parlance::mpi {

[[noreturn]] void fail(int rc, const char* call, const char* file, int line);

}  // namespace parlance::mpi

#define PARLANCE_MPI_CHECK(call)                                                  \
  do {                                                                            \
    const int parlance_mpi_rc_ = (call);                                          \
    if (parlance_mpi_rc_ != 0) ::parlance::mpi::fail(parlance_mpi_rc_, #call, __FILE__, __LINE__); \
  } while (0)
