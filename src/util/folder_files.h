#pragma once
// Opens and stats files through their folder: each call names a file by its
// path, and the lookup runs relative to a descriptor of the file's folder,
// kept while consecutive paths share that folder. A path's leading folders
// are then walked once per folder instead of once per file: a folder corpus
// (aclImdb: 50,000 reviews in 4 folders) is read in folder order, and the
// walk of `corpora/aclImdb/train/pos/` was most of an open() here.
//
// Results are those of open(2) / stat(2) on the path itself: where the
// folder cannot be opened (no search permission on it, or it is gone) or the
// lookup through it fails, the call falls back to the whole path, so errno is
// the path's own.
// One object per thread.
#include <sys/stat.h>

#include <string>

namespace parlance {

class FolderFiles {
 public:
  FolderFiles() = default;
  ~FolderFiles();
  FolderFiles(const FolderFiles&) = delete;
  FolderFiles& operator=(const FolderFiles&) = delete;

  // open(path, O_RDONLY | O_CLOEXEC): a descriptor the caller closes, or -1 and errno.
  int open_read(const std::string& path);
  // stat(path, st): 0, or -1 and errno.
  int stat(const std::string& path, struct stat* st);

 private:
  // The cached descriptor of path's folder (-1 when it does not open), and
  // where path's last component starts.
  int folder_of(const std::string& path, const char** name);
  std::string folder_;  // with its trailing '/', "" for the working folder
  int fd_ = -1;
};

}  // namespace parlance
