// Provenance hashes: hex64 spells a hash as printf's "%016llx" does (what
// xxh64sum prints), hashing in pieces equals hashing the whole, a reset
// stream starts afresh, and a file that cannot be read whole is an error.
#include "data/input_hash.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace parlance {
namespace {

TEST(InputHash, Hex64IsPrintfsSixteenDigits) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0xF}, uint64_t{0xdeadbeef}, uint64_t{0x0123456789abcdefull},
                     uint64_t{0xfedcba9876543210ull}, ~uint64_t{0}}) {
    char want[17];
    std::snprintf(want, sizeof want, "%016llx", static_cast<unsigned long long>(v));
    EXPECT_EQ(hex64(v), want);
  }
}

TEST(InputHash, PiecesHashAsTheWholeFile) {
  const auto path = std::filesystem::temp_directory_path() / ("parlance_hash_" + std::to_string(::getpid()));
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + "\n";
  std::ofstream(path, std::ios::binary) << text;
  Xxh64Stream pieces;
  for (size_t at = 0, step = 1; at < text.size(); at += step, step = step * 3 % 1000 + 1)
    pieces.update(text.data() + at, std::min(step, text.size() - at));
  EXPECT_EQ(pieces.digest(), xxh64_file(path.string()));
  EXPECT_EQ(hex64(Xxh64Stream().digest()), "ef46db3751d8e999");  // xxh64sum of an empty file
  pieces.reset();
  pieces.update(text.data(), text.size());
  EXPECT_EQ(pieces.digest(), xxh64_file(path.string()));
  std::filesystem::remove(path);
}

TEST(InputHash, UnreadableFileIsAnErrorNotAHash) {
  // fopen opens a directory for reading; only the read fails (EISDIR). It
  // used to hash as an empty file.
  const auto dir = std::filesystem::temp_directory_path() / ("parlance_hash_dir_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  try {
    xxh64_file(dir.string());
    ADD_FAILURE() << "hashed a directory";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("read error while hashing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(xxh64_file((dir / "missing").string()), std::exception);
  std::filesystem::remove(dir);
}

}  // namespace
}  // namespace parlance
