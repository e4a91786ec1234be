#include "data/h5_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/error.h"

namespace parlance {
namespace {

TEST(H5File, FailedCallsNameTheFileTheOperationAndHdf5sReason) {
  auto path = (std::filesystem::temp_directory_path() / "parlance_h5_check.h5").string();
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  {
    H5File w(path, H5File::Mode::ReadWrite);
    w.write_strings("/words", {"a", "b"});
  }
  H5File r(path, H5File::Mode::Read);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // keep the expected failure's stack off stderr
  try {
    r.read<int32_t>("/words");  // strings cannot be read as integers
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("read /words failed: "), std::string::npos) << m;
    EXPECT_EQ(m.find("no HDF5 error message"), std::string::npos) << m;
  }
  EXPECT_THROW(r.length("/missing"), UserError);
}

}  // namespace
}  // namespace parlance
