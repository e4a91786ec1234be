// sizes_across_ranks under mpirun (1-3 ranks): every rank gets every source's
// size though each measured only its share, and the first unreadable source
// in corpus order is the one error every rank throws, whichever rank met it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "comm/mpi_world.h"
#include "data/source_sizes.h"
#include "util/error.h"

#include "shared_test_folder.h"

namespace fs = std::filesystem;
using namespace parlance;

namespace {

// Seven files of 0, 10, ..., 60 bytes in a folder every rank shares (rank 0 writes them).
class SourceSizes : public SharedTestFolder {
 protected:
  void SetUp() override {
    SharedTestFolder::SetUp();
    if (mpi::rank() == 0)
      for (int i = 0; i < 7; ++i) std::ofstream(dir_ / ("f" + std::to_string(i))) << std::string(10 * i, 'x');
    mpi::barrier();
  }
  Corpus corpus(const std::vector<std::string>& names) const {
    Corpus c;
    for (const auto& n : names) c.sources.push_back({(fs::path(dir_) / n).string(), 0, 0, 0, ""});
    return c;
  }
};

TEST_F(SourceSizes, EveryRankGetsEverySize) {
  const auto sizes = sizes_across_ranks(corpus({"f0", "f1", "f2", "f3", "f4", "f5", "f6"}));
  ASSERT_EQ(sizes.size(), 7u);
  for (uint64_t i = 0; i < 7; ++i) EXPECT_EQ(sizes[i], 10 * i) << "source " << i;
}

TEST_F(SourceSizes, TheFirstUnreadableSourceInCorpusOrderIsTheAgreedError) {
  // Sources 2 and 4 are missing: with 3 ranks rank 2 meets source 2 and rank 1
  // source 4; with 2 ranks rank 0 meets both. Every rank must name source 2.
  const Corpus c = corpus({"f0", "f1", "missing_first", "f3", "missing_second", "f5", "f6"});
  try {
    sizes_across_ranks(c);
    FAIL() << "no error";
  } catch (const AgreedError& e) {
    EXPECT_NE(std::string(e.what()).find("missing_first: no such file or folder"), std::string::npos) << e.what();
  }
}

TEST_F(SourceSizes, SourcesAlternatingBetweenFoldersKeepTheirOwnSizes) {
  // Each rank looks files up relative to the folder of the last one: a switch
  // of folder at every source must not reuse the previous folder.
  if (mpi::rank() == 0) {
    fs::create_directories(fs::path(dir_) / "a"), fs::create_directories(fs::path(dir_) / "b");
    for (int i = 0; i < 6; ++i) {
      std::ofstream(fs::path(dir_) / "a" / ("f" + std::to_string(i))) << std::string(i, 'a');
      std::ofstream(fs::path(dir_) / "b" / ("f" + std::to_string(i))) << std::string(100 + i, 'b');
    }
  }
  mpi::barrier();
  const auto sizes = sizes_across_ranks(corpus({"a/f0", "b/f1", "a/f2", "a/f3", "b/f4", "b/f5", "a/f5", "f1"}));
  EXPECT_EQ(sizes, (std::vector<uint64_t>{0, 101, 2, 3, 104, 105, 5, 10}));
}

TEST_F(SourceSizes, FilesNotWorldReadableAreSizedThroughOpen) {
  // Owner-only modes take open() instead of the folder-relative stat (for
  // root too: an NFS share may squash root); the owner gets the same sizes.
  if (mpi::rank() == 0) {
    fs::permissions(fs::path(dir_) / "f3", fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(fs::path(dir_) / "f4", fs::perms::owner_read | fs::perms::group_read);
  }
  mpi::barrier();
  EXPECT_EQ(sizes_across_ranks(corpus({"f2", "f3", "f4", "f5"})), (std::vector<uint64_t>{20, 30, 40, 50}));
}

TEST_F(SourceSizes, AFolderOrAMissingFileAmongFilesIsNamed) {
  if (mpi::rank() == 0) fs::create_directories(fs::path(dir_) / "sub");
  mpi::barrier();
  for (const auto& [names, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"f1", "sub", "f2"}, "sub: is not a regular file"},
           {{"f1", "f2", "nope", "f3"}, "nope: no such file or folder"},
           {{"f1", "none/f1"}, "none/f1: no such file or folder"}}) {
    try {
      sizes_across_ranks(corpus(names));
      ADD_FAILURE() << "no error for " << expected;
    } catch (const AgreedError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST_F(SourceSizes, FewerSourcesThanRanks) {
  const auto sizes = sizes_across_ranks(corpus({"f5"}));
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0], 50u);
}

}  // namespace
