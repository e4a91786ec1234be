#pragma once
// For gtests run under mpirun: a temporary folder every rank shares, made by
// rank 0 before each test and removed by it after, once every rank is done.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "comm/mpi_world.h"

namespace parlance {

class SharedTestFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir;
    if (mpi::rank() == 0) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "parlance_shared_XXXXXX").string();
      dir = mkdtemp(tmpl.data());
    }
    dir_ = mpi::broadcast(dir);
  }
  void TearDown() override {
    mpi::barrier();
    if (mpi::rank() == 0) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

}  // namespace parlance
