#include "data/corpus.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "util/dir_listing.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

void require_readable(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) throw UserError(p.string() + ": no such file or folder");
  std::ifstream probe(p, std::ios::binary);
  if (fs::is_regular_file(p, ec) && !probe) throw UserError(p.string() + ": cannot be read (permissions?)");
}

uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  if (ec) throw UserError(p.string() + ": cannot stat: " + ec.message());
  return n;
}

// Paths of the regular files under `dir` (not recursive), sorted by path
// bytes, spelled as `dir / name` would spell them.
std::vector<std::string> files_in(const fs::path& dir, DirListings& dirs) {
  const std::string& d = dir.native();
  const std::string prefix = d.empty() || d.back() == '/' ? d : d + '/';
  std::vector<std::string> out;
  for (const DirEntry& e : dirs.list(d))
    if (e.is_file) out.push_back(prefix + e.name);
  return out;
}

std::vector<std::string> subdirs(const fs::path& dir, DirListings& dirs) {
  std::vector<std::string> out;
  for (const DirEntry& e : dirs.list(dir.native()))
    if (e.is_dir) out.push_back(e.name);
  return out;
}

void add_file(Corpus& c, std::string path, int split, const std::string& label = "") {
  c.sources.push_back({std::move(path), 0, 0, split, label});  // the size comes in set_sizes
}

// aclImdb-style tree: SPLIT/CLASS/*.txt, with "unsup" (top level or under a
// split) as unlabelled text in its own split.
void discover_folder_tree(Corpus& c, const fs::path& root, DirListings& dirs) {
  static const std::vector<std::string> kSplitOrder = {"train", "valid", "test"};
  std::vector<std::string> present;
  for (const auto& s : kSplitOrder)
    if (fs::is_directory(root / s)) present.push_back(s);
  c.labelled = true;
  if (present.empty()) {  // ROOT/CLASS/*: one pool, random split
    if (subdirs(root, dirs).empty())
      throw UserError(root.string() + ": prep.format = \"folder\" expects one folder per class (ROOT/CLASS/*.txt) or "
                      "split folders (ROOT/train/CLASS/*.txt, as aclImdb); this folder has files only (for unlabelled "
                      "text, use format = \"text\" with doc_split = \"file\")");
    c.splits = {"train", "valid"};
    for (const auto& cls : subdirs(root, dirs))
      for (auto& f : files_in(root / cls, dirs)) add_file(c, std::move(f), -1, cls);
    return;
  }
  std::vector<fs::path> unsup_dirs;
  for (const auto& s : present) {
    int split = static_cast<int>(c.splits.size());
    c.splits.push_back(s);
    for (const auto& cls : subdirs(root / s, dirs)) {
      if (cls == "unsup") {
        unsup_dirs.push_back(root / s / cls);
        continue;
      }
      for (auto& f : files_in(root / s / cls, dirs)) add_file(c, std::move(f), split, cls);
    }
  }
  if (fs::is_directory(root / "unsup")) unsup_dirs.push_back(root / "unsup");
  if (!unsup_dirs.empty()) {
    int split = static_cast<int>(c.splits.size());
    c.splits.push_back("unsup");
    for (const auto& d : unsup_dirs)
      for (auto& f : files_in(d, dirs)) add_file(c, std::move(f), split);
  }
}

void discover_wikitext(Corpus& c, const fs::path& input) {
  if (fs::is_regular_file(input)) {
    c.splits = {"train", "valid"};
    add_file(c, input.string(), -1);
    return;
  }
  for (const char* split : {"train", "valid", "test"}) {
    for (const char* ext : {".tokens", ".raw"}) {
      fs::path p = input / (std::string("wiki.") + split + ext);
      if (fs::exists(p)) {
        c.splits.push_back(split);
        add_file(c, p.string(), static_cast<int>(c.splits.size()) - 1);
        break;
      }
    }
  }
  if (c.splits.empty() || c.splits[0] != "train")
    throw UserError(input.string() + ": expected wiki.train.tokens or wiki.train.raw in this folder");
}

}  // namespace

uint64_t readable_file_size(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw UserError(path + ": no such file or folder");
    if (err == EACCES) throw UserError(path + ": cannot be read (permissions?)");
    throw UserError(path + ": cannot open: " + std::strerror(err));
  }
  struct stat st;
  const bool ok = ::fstat(fd, &st) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) throw UserError(path + ": cannot stat: " + std::strerror(err));
  if (!S_ISREG(st.st_mode)) throw UserError(path + ": is not a regular file");
  return static_cast<uint64_t>(st.st_size);
}

Corpus discover_corpus(const PrepConfig& cfg) {
  Corpus c = list_corpus(cfg);
  std::vector<uint64_t> sizes;
  for (const auto& s : c.sources) sizes.push_back(readable_file_size(s.path));
  set_sizes(c, sizes, cfg.input);
  return c;
}

Corpus list_corpus(const PrepConfig& cfg, DirListings* listings) {
  DirListings own;
  DirListings& dirs = listings ? *listings : own;
  Corpus c;
  fs::path input(cfg.input);
  require_readable(input);
  switch (cfg.format) {
    case InputFormat::WikiText:
      discover_wikitext(c, input);
      break;
    case InputFormat::Folder:
      if (!fs::is_directory(input)) throw UserError(cfg.input + ": prep.format = \"folder\" needs a folder");
      discover_folder_tree(c, input, dirs);
      break;
    case InputFormat::Csv:
      if (!fs::is_regular_file(input)) throw UserError(cfg.input + ": expected a CSV file");
      c.splits = {"train", "valid"};
      add_file(c, input.string(), -1);
      c.labelled = cfg.label_col >= 0;
      break;
    case InputFormat::ParallelFiles:
      require_readable(cfg.input_tgt);
      c.tgt_path = cfg.input_tgt;
      c.tgt_size = size_of(cfg.input_tgt);
      [[fallthrough]];
    case InputFormat::Text:
    case InputFormat::ParallelTsv:
      c.splits = {"train", "valid"};
      if (fs::is_directory(input)) {
        // train.* / valid.* / test.* name their split; otherwise the seeded split decides.
        std::vector<fs::path> files;
        for (auto& f : files_in(input, dirs)) files.emplace_back(std::move(f));
        bool named = std::any_of(files.begin(), files.end(), [](const fs::path& f) { return f.stem() == "train"; });
        if (named) {
          c.splits.clear();
          for (const char* split : {"train", "valid", "test"})
            if (std::any_of(files.begin(), files.end(), [&](const fs::path& f) { return f.stem() == split; }))
              c.splits.push_back(split);
        }
        for (const auto& f : files) {
          auto stem = f.stem().string();
          auto it = std::find(c.splits.begin(), c.splits.end(), stem);
          if (named && it == c.splits.end())
            throw UserError(f.string() + ": expected only train.*, valid.* and test.* files beside " +
                            (input / "train.*").string());
          add_file(c, f.string(), named ? static_cast<int>(it - c.splits.begin()) : -1);
        }
      } else {
        add_file(c, input.string(), -1);
      }
      break;
  }
  switch (cfg.format) {
    case InputFormat::Folder: c.record = RecordKind::File; break;
    case InputFormat::Csv: c.record = RecordKind::Csv; break;
    case InputFormat::ParallelTsv:
    case InputFormat::ParallelFiles: c.record = RecordKind::Line; break;
    default:
      c.record = cfg.doc_split == DocSplit::Heading ? RecordKind::Heading
                 : cfg.doc_split == DocSplit::File  ? RecordKind::File
                                                    : RecordKind::Line;
  }
  // Split order first, then path order within a split; random-split sources keep path order.
  std::stable_sort(c.sources.begin(), c.sources.end(), [](const Source& a, const Source& b) { return a.split < b.split; });
  return c;
}

void set_sizes(Corpus& c, const std::vector<uint64_t>& sizes, const std::string& input) {
  if (sizes.size() != c.sources.size()) throw std::logic_error("set_sizes: one size per source expected");
  c.total_bytes = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    c.sources[i].size = sizes[i];
    c.sources[i].start = c.total_bytes;
    c.total_bytes += sizes[i];
  }
  if (c.total_bytes == 0) throw UserError(input + ": empty corpus (no bytes to prepare)");
}

}  // namespace parlance
