#include "util/folder_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

namespace parlance {
namespace {

namespace fs = std::filesystem;

std::string read_all(int fd) {
  std::string out;
  char buf[256];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

class FolderFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parlance_folder_files_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    for (const char* sub : {"a", "b", "a/deeper"}) fs::create_directories(dir_ / sub);
    for (const char* f : {"a/1.txt", "a/2.txt", "b/1.txt", "a/deeper/1.txt"}) std::ofstream(dir_ / f) << "file " << f;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Each path opens its own file, whether consecutive paths share a folder,
// alternate between folders, or name a file in the working folder.
TEST_F(FolderFilesTest, EachPathOpensAndStatsItsOwnFile) {
  FolderFiles files;
  for (const char* f : {"a/1.txt", "a/2.txt", "b/1.txt", "a/1.txt", "a/deeper/1.txt", "b/1.txt", "b/1.txt"}) {
    const std::string path = (dir_ / f).string();
    const int fd = files.open_read(path);
    ASSERT_GE(fd, 0) << path;
    EXPECT_EQ(read_all(fd), std::string("file ") + f);
    ::close(fd);
    struct stat mine, theirs;
    ASSERT_EQ(files.stat(path, &mine), 0);
    ASSERT_EQ(::stat(path.c_str(), &theirs), 0);
    EXPECT_EQ(mine.st_ino, theirs.st_ino);
    EXPECT_EQ(mine.st_size, theirs.st_size);
  }
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_ / "b");
  const int fd = files.open_read("1.txt");
  fs::current_path(cwd);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(read_all(fd), "file b/1.txt");
  ::close(fd);
}

// Failures answer as open(2) and stat(2) on the path do, errno included, and
// leave the next path unaffected.
TEST_F(FolderFilesTest, FailuresAreThePathsOwn) {
  FolderFiles files;
  struct stat st;
  errno = 0;
  EXPECT_EQ(files.open_read((dir_ / "a/missing.txt").string()), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(files.stat((dir_ / "missing/1.txt").string(), &st), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(files.open_read((dir_ / "a/1.txt/x").string()), -1);  // a file used as a folder
  EXPECT_EQ(errno, ENOTDIR);
  const int folder = files.open_read((dir_ / "a/").string());  // no name after the slash: open() takes the folder
  EXPECT_GE(folder, 0);
  ::close(folder);
  const int fd = files.open_read((dir_ / "a/2.txt").string());
  ASSERT_GE(fd, 0);
  ::close(fd);
}

}  // namespace
}  // namespace parlance
