#include "data/source_sizes.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "comm/mpi_world.h"
#include "util/error.h"
#include "util/folder_files.h"

namespace parlance {
namespace {

// Sizes of files met folder by folder. Any doubt (a folder that does not
// open, a lookup that fails, mode bits that deny reading, which an ACL may
// still allow) goes to readable_file_size, the one judge of "readable" and
// the one wording of its errors.
class FolderSizer {
 public:
  FolderSizer() : euid_(geteuid()) {}

  uint64_t size_of(const std::string& path) {
    struct stat st;
    if (files_.stat(path, &st) == 0 && S_ISREG(st.st_mode) && may_read(st)) return static_cast<uint64_t>(st.st_size);
    return readable_file_size(path);
  }

 private:
  bool may_read(const struct stat& st) const {
    // Root reads any local file, but not on an NFS share that squashes root
    // to nobody: there only world-readable files are sure.
    if (euid_ == 0) return st.st_mode & S_IROTH;
    if (st.st_uid == euid_) return st.st_mode & S_IRUSR;
    // Readable whether or not we are in its group; otherwise open() decides.
    return (st.st_mode & (S_IRGRP | S_IROTH)) == (S_IRGRP | S_IROTH);
  }
  const uid_t euid_;  // asked once, not per file
  FolderFiles files_;
};

}  // namespace

std::vector<uint64_t> sizes_across_ranks(const Corpus& corpus) {
  const size_t n = corpus.sources.size(), step = static_cast<size_t>(mpi::size());
  std::vector<uint64_t> mine;
  uint64_t first_bad = UINT64_MAX;
  std::string error;
  FolderSizer sizer;
  for (size_t i = static_cast<size_t>(mpi::rank()); i < n; i += step) {
    uint64_t size = 0;
    try {
      size = sizer.size_of(corpus.sources[i].path);
    } catch (const UserError& e) {
      if (first_bad == UINT64_MAX) first_bad = i, error = e.what();
    }
    mine.push_back(size);
  }
  // A rank's blob: its first bad index, its sizes, then its error text.
  std::string blob(sizeof(uint64_t) * (1 + mine.size()), '\0');
  std::memcpy(blob.data(), &first_bad, sizeof first_bad);
  if (!mine.empty()) std::memcpy(blob.data() + sizeof first_bad, mine.data(), mine.size() * sizeof(uint64_t));
  blob += error;
  std::vector<uint64_t> sizes(n, 0);
  uint64_t bad = UINT64_MAX;
  const std::vector<std::string> all = mpi::allgather(blob);
  for (size_t q = 0; q < all.size(); ++q) {
    const char* b = all[q].data();
    uint64_t at;
    std::memcpy(&at, b, sizeof at);
    size_t k = 0;
    for (size_t i = q; i < n; i += step, ++k) std::memcpy(&sizes[i], b + sizeof(uint64_t) * (1 + k), sizeof(uint64_t));
    if (at < bad) bad = at, error = all[q].substr(sizeof(uint64_t) * (1 + k));
  }
  if (bad != UINT64_MAX) throw AgreedError(error);
  return sizes;
}

}  // namespace parlance
