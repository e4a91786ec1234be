#include "util/dir_listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace parlance {

std::vector<DirEntry> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw UserError(dir + ": cannot list folder: " + std::strerror(errno));
  struct Close {
    DIR* d;
    ~Close() { ::closedir(d); }
  } close{d};
  std::vector<DirEntry> out;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
    DirEntry entry{e->d_name};
    unsigned char type = e->d_type;
    entry.is_link = type == DT_LNK;
    if (type == DT_LNK || type == DT_UNKNOWN) {  // follow links, as std::filesystem's is_regular_file does
      struct stat st;
      type = ::fstatat(::dirfd(d), e->d_name, &st, 0) != 0 ? DT_UNKNOWN
             : S_ISDIR(st.st_mode)                         ? DT_DIR
             : S_ISREG(st.st_mode)                         ? DT_REG
                                                           : DT_UNKNOWN;
    }
    entry.is_dir = type == DT_DIR;
    entry.is_file = type == DT_REG;
    out.push_back(std::move(entry));
    errno = 0;
  }
  if (errno != 0) throw UserError(dir + ": cannot list folder: " + std::strerror(errno));
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace parlance
