#include "util/folder_files.h"

#include <fcntl.h>
#include <unistd.h>

namespace parlance {

FolderFiles::~FolderFiles() {
  if (fd_ >= 0) ::close(fd_);
}

int FolderFiles::folder_of(const std::string& path, const char** name) {
  const size_t slash = path.rfind('/');
  *name = path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
  const size_t len = slash == std::string::npos ? 0 : slash + 1;
  if (fd_ < 0 || folder_.size() != len || path.compare(0, len, folder_) != 0) {
    if (fd_ >= 0) ::close(fd_);
    folder_.assign(path, 0, len);
    fd_ = ::open(len == 0 ? "." : folder_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);  // O_PATH: search permission is enough
  }
  return fd_;
}

int FolderFiles::open_read(const std::string& path) {
  const char* name;
  const int dir = folder_of(path, &name);
  if (dir >= 0 && *name != '\0') {
    const int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) return fd;
  }
  return ::open(path.c_str(), O_RDONLY | O_CLOEXEC);  // the path's own answer, errno included
}

int FolderFiles::stat(const std::string& path, struct stat* st) {
  const char* name;
  const int dir = folder_of(path, &name);
  if (dir >= 0 && *name != '\0' && ::fstatat(dir, name, st, 0) == 0) return 0;
  return ::stat(path.c_str(), st);
}

}  // namespace parlance
