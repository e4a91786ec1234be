// ExpandedInputs under mpirun (1-3 ranks): rank 0 unpacks, every rank then
// reads the same files, provenance names the original, and the scratch folder
// is gone afterwards. Archives are made with the system's tar and gzip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "comm/mpi_world.h"
#include "data/compressed_input.h"
#include "util/error.h"

#include "shared_test_folder.h"

namespace fs = std::filesystem;
using namespace parlance;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Tests in a folder every rank shares.
class CompressedInput : public SharedTestFolder {
 protected:
  // Runs `shell` in the test folder on rank 0 only, then waits for it everywhere.
  void on_rank0(const std::string& shell) {
    if (mpi::rank() == 0) ASSERT_EQ(std::system(("cd " + dir_.string() + " && " + shell).c_str()), 0) << shell;
    mpi::barrier();
  }
  PrepConfig config(const fs::path& input) const {
    PrepConfig c;
    c.input = input.string();
    c.out = (dir_ / "out.h5").string();
    return c;
  }
};

// The tests that unpack: skipped in a build without libarchive (the GPU image's).
class UnpackingInput : public CompressedInput {
 protected:
  void SetUp() override {
    CompressedInput::SetUp();
    if (!reads_compressed_input()) GTEST_SKIP() << "built without libarchive";
  }
};

TEST(CompressedNames, ArchivesAndCompressedFilesAreToldApart) {
  for (const char* a : {"x.tar", "x.tar.gz", "x.tgz", "x.tar.bz2", "x.tar.xz", "x.tar.zst", "x.zip"}) {
    EXPECT_TRUE(is_archive_name(a)) << a;
    EXPECT_FALSE(is_compressed_name(a)) << a;
  }
  for (const char* c : {"wiki.train.tokens.gz", "texts.csv.xz", "a.bz2", "a.zst"}) {
    EXPECT_TRUE(is_compressed_name(c)) << c;
    EXPECT_FALSE(is_archive_name(c)) << c;
  }
  for (const char* p : {"texts.csv", "folder", "gz", "x.tar.gz.txt", ".gz"}) {
    EXPECT_FALSE(is_compressed_name(p)) << p;
    EXPECT_FALSE(is_archive_name(p)) << p;
  }
}

TEST_F(CompressedInput, PlainInputIsLeftAlone) {
  on_rank0("mkdir -p plain && echo hello > plain/a.txt");
  ExpandedInputs e(config(dir_ / "plain"));
  EXPECT_FALSE(e.any());
  EXPECT_EQ(e.config().input, (dir_ / "plain").string());
  EXPECT_EQ(e.origin((dir_ / "plain" / "a.txt").string()), (dir_ / "plain" / "a.txt").string());
  EXPECT_FALSE(fs::exists(dir_ / "out.h5.expanded"));
  // Provenance names files by absolute, lexically normal paths, whatever the spelling.
  const std::string want = (dir_ / "plain" / "a.txt").string();
  EXPECT_EQ(e.origin(dir_.string() + "/plain/./a.txt"), want);
  EXPECT_EQ(e.origin(dir_.string() + "/plain/../plain/a.txt"), want);
  EXPECT_EQ(e.origin(dir_.string() + "//plain//a.txt"), want);
  const fs::path cwd = fs::current_path();
  const std::string rel = fs::path(want).lexically_relative(cwd).string();
  EXPECT_EQ(e.origin(rel), want) << "relative to the working folder: " << rel;
  EXPECT_EQ(e.origin("./" + rel), want);
  EXPECT_EQ(e.origin(dir_.string() + "/plain/.hidden"), dir_.string() + "/plain/.hidden");
}

TEST_F(UnpackingInput, TarballUnpacksIntoItsTopFolderAndIsRemovedAfterwards) {
  on_rank0("mkdir -p corpus/train/pos corpus/train/neg && printf 'good film\\n' > corpus/train/pos/1.txt && "
           "printf 'bad film\\n' > corpus/train/neg/2.txt && tar -czf corpus.tar.gz corpus && rm -r corpus");
  {
    ExpandedInputs e(config(dir_ / "corpus.tar.gz"));
    ASSERT_TRUE(e.any());
    const fs::path root = e.config().input;
    EXPECT_EQ(root.filename(), "corpus");
    EXPECT_EQ(read_file(root / "train" / "pos" / "1.txt"), "good film\n");  // on every rank
    EXPECT_EQ(read_file(root / "train" / "neg" / "2.txt"), "bad film\n");
    EXPECT_EQ(e.origin((root / "train" / "pos" / "1.txt").string()),
              (dir_ / "corpus.tar.gz").string() + ":corpus/train/pos/1.txt");
    mpi::barrier();  // every rank has read before rank 0's destructor removes the folder
  }
  mpi::barrier();
  EXPECT_FALSE(fs::exists(dir_ / "out.h5.expanded"));
}

TEST_F(UnpackingInput, OneGzipFileKeepsItsNameWithoutTheSuffix) {
  on_rank0("printf 'label,text\\npos,fine\\n' > texts.csv && gzip texts.csv");
  ExpandedInputs e(config(dir_ / "texts.csv.gz"));
  EXPECT_EQ(fs::path(e.config().input).filename(), "texts.csv");
  EXPECT_EQ(read_file(e.config().input), "label,text\npos,fine\n");
  EXPECT_EQ(e.origin(e.config().input), (dir_ / "texts.csv.gz").string());
  mpi::barrier();
}

TEST_F(UnpackingInput, FolderWithSomeGzipFilesIsMirrored) {
  on_rank0("mkdir -p wt && printf 'train text\\n' > wt/wiki.train.raw && printf 'valid text\\n' > wt/wiki.valid.raw && "
           "gzip wt/wiki.train.raw");
  ExpandedInputs e(config(dir_ / "wt"));
  ASSERT_TRUE(e.any());
  const fs::path root = e.config().input;
  EXPECT_EQ(read_file(root / "wiki.train.raw"), "train text\n");
  EXPECT_TRUE(fs::is_symlink(root / "wiki.valid.raw"));  // plain files are linked, not copied
  EXPECT_EQ(read_file(root / "wiki.valid.raw"), "valid text\n");
  EXPECT_EQ(e.origin((root / "wiki.train.raw").string()), (dir_ / "wt" / "wiki.train.raw.gz").string());
  EXPECT_EQ(e.origin((root / "wiki.valid.raw").string()), (dir_ / "wt" / "wiki.valid.raw").string());
  mpi::barrier();
}

TEST_F(UnpackingInput, DamagedArchiveIsOneAgreedErrorAndLeavesNoFolder) {
  on_rank0("mkdir -p c && head -c 200000 /dev/urandom > c/noise.bin && tar -czf whole.tar.gz c && "
           "head -c 100000 whole.tar.gz > cut.tar.gz");
  try {
    ExpandedInputs e(config(dir_ / "cut.tar.gz"));
    FAIL() << "a damaged archive was accepted";
  } catch (const AgreedError& err) {
    EXPECT_NE(std::string(err.what()).find("cut.tar.gz: damaged"), std::string::npos) << err.what();
  }
  mpi::barrier();
  EXPECT_FALSE(fs::exists(dir_ / "out.h5.expanded"));
}

// Without libarchive, a compressed input is refused up front on every rank
// with one line naming the file and why (nothing unpacked, no scratch folder).
TEST_F(CompressedInput, WithoutLibarchiveACompressedInputIsOneAgreedLine) {
  if (reads_compressed_input()) GTEST_SKIP() << "this build reads compressed input";
  on_rank0("printf 'label,text\\npos,fine\\n' > texts.csv && gzip texts.csv");
  try {
    ExpandedInputs e(config(dir_ / "texts.csv.gz"));
    FAIL() << "a compressed input was accepted by a build without libarchive";
  } catch (const AgreedError& err) {
    EXPECT_NE(std::string(err.what()).find("texts.csv.gz: is compressed, and this build of parlance reads no compressed "
                                           "input (built without libarchive)"),
              std::string::npos)
        << err.what();
  }
  mpi::barrier();
  EXPECT_FALSE(fs::exists(dir_ / "out.h5.expanded"));
}

}  // namespace
