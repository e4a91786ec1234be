#pragma once
// The entries of one folder, read with readdir and typed from the directory
// entry itself (a symbolic link or an unknown type is resolved with one stat of
// its target). Corpus discovery lists folders of tens of thousands of files,
// where std::filesystem's path object per entry cost more than the listing.
#include <string>
#include <unordered_map>
#include <vector>

namespace parlance {

struct DirEntry {
  std::string name;  // file name only, no folder
  bool is_dir = false;
  bool is_file = false;  // a regular file, or a link to one
  bool is_link = false;  // a symbolic link (is_dir / is_file describe its target)
};

// Every entry but "." and "..", sorted by name bytes. Throws UserError naming
// the folder when it cannot be read.
std::vector<DirEntry> list_dir(const std::string& dir);

// Listings made once and read again: prep looks through the input tree for
// compressed files, then lists the same folders for the corpus (aclImdb:
// 50,000 entries, whose second listing was ~30 ms of every rank's prep).
// A folder is named as the caller spells it; a listing that fails is not kept.
class DirListings {
 public:
  // list_dir(dir) by name, listed on the first call for `dir`. The reference
  // stays valid until clear().
  const std::vector<DirEntry>& list(const std::string& dir);
  void clear() { kept_.clear(); }

 private:
  std::unordered_map<std::string, std::vector<DirEntry>> kept_;
};

}  // namespace parlance
