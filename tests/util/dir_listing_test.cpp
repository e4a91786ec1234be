#include "util/dir_listing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace parlance {
namespace {

namespace fs = std::filesystem;

TEST(ListDir, SortedByBytesTypedAndFollowingLinks) {
  const fs::path dir = fs::temp_directory_path() / ("parlance_list_dir_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  for (const char* name : {"b.txt", "a.txt", "B.txt", "\xc3\xa9.txt"}) std::ofstream(dir / name) << name;
  fs::create_symlink(dir / "a.txt", dir / "link_to_file");
  fs::create_symlink(dir / "sub", dir / "link_to_dir");
  fs::create_symlink(dir / "missing", dir / "dangling");
  const std::vector<DirEntry> got = list_dir(dir.string());
  std::vector<std::string> names;
  for (const auto& e : got) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"B.txt", "a.txt", "b.txt", "dangling", "link_to_dir", "link_to_file", "sub",
                                             "\xc3\xa9.txt"}));
  auto entry = [&](const std::string& n) { return *std::find_if(got.begin(), got.end(), [&](auto& e) { return e.name == n; }); };
  EXPECT_TRUE(entry("a.txt").is_file && !entry("a.txt").is_dir && !entry("a.txt").is_link);
  EXPECT_TRUE(entry("sub").is_dir && !entry("sub").is_file);
  EXPECT_TRUE(entry("link_to_file").is_file && entry("link_to_file").is_link);
  EXPECT_TRUE(entry("link_to_dir").is_dir && entry("link_to_dir").is_link);
  EXPECT_TRUE(!entry("dangling").is_file && !entry("dangling").is_dir && entry("dangling").is_link);
  fs::remove_all(dir);
  try {
    list_dir(dir.string());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.string() + ": cannot list folder"), std::string::npos) << e.what();
  }
}

// Names that tie on their first 8 bytes, are prefixes of each other, or hold
// bytes above 0x7F, in a folder large enough for the sort's every path.
TEST(ListDir, ManyNamesInByteOrder) {
  const fs::path dir = fs::temp_directory_path() / ("parlance_list_many_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> want;
  for (int i = 0; i < 600; ++i) {
    const std::string n = std::to_string(i * 7 % 600);
    for (const std::string& name : {"review_" + n + ".txt", n + "_" + std::to_string(i % 10) + ".txt", n, "\xc3\xa9" + n})
      if (!fs::exists(dir / name)) std::ofstream(dir / name) << i, want.push_back(name);
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> by_name;
  for (const auto& e : list_dir(dir.string())) by_name.push_back(e.name);
  EXPECT_EQ(by_name, want);
  fs::remove_all(dir);
}

// A folder is listed once (later calls see the first listing until clear()),
// by name; a folder that fails to list is not kept, and lists once it can.
TEST(DirListings, ListsAFolderOnceUntilCleared) {
  const fs::path dir = fs::temp_directory_path() / ("parlance_dir_listings_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  DirListings listings;
  EXPECT_THROW(listings.list(dir.string()), UserError);
  fs::create_directories(dir);
  std::ofstream(dir / "b.txt") << 1;
  std::ofstream(dir / "a.txt") << 2;
  const auto names = [&] {
    std::vector<std::string> out;
    for (const auto& e : listings.list(dir.string())) out.push_back(e.name);
    return out;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"a.txt", "b.txt"}));
  std::ofstream(dir / "c.txt") << 3;
  EXPECT_EQ(names(), (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(&listings.list(dir.string()), &listings.list(dir.string()));
  listings.clear();
  EXPECT_EQ(names(), (std::vector<std::string>{"a.txt", "b.txt", "c.txt"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace parlance
