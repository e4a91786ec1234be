// gtest main for tests run under mpirun: MPI is initialized around the tests,
// only rank 0 prints the report, and any rank's failure fails every rank.
#include <gtest/gtest.h>

#include "comm/mpi_world.h"

int main(int argc, char** argv) {
  parlance::mpi::World world(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (parlance::mpi::rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS();
  return parlance::mpi::any(failed != 0) ? 1 : 0;
}
