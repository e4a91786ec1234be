#include "data/compressed_input.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#ifdef PARLANCE_HAVE_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif

#include "comm/mpi_world.h"
#include "util/dir_listing.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

const std::vector<std::string> kArchiveSuffixes = {".tar",  ".tar.gz", ".tgz", ".tar.bz2", ".tbz2",
                                                   ".tar.xz", ".txz",  ".tar.zst", ".zip"};
const std::vector<std::string> kCompressedSuffixes = {".gz", ".bz2", ".xz", ".zst"};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Unreadable parts are skipped here: corpus discovery names them.
// Links to folders are not followed (as std::filesystem's recursive walk).
bool folder_has_compressed(const fs::path& dir, DirListings& listings) {
  const std::vector<DirEntry>* entries;
  try {
    entries = &listings.list(dir.native());
  } catch (const UserError&) {
    return false;
  }
  for (const DirEntry& e : *entries)
    if (e.is_file && is_compressed_name(e.name)) return true;
  for (const DirEntry& e : *entries)
    if (e.is_dir && !e.is_link && folder_has_compressed(dir / e.name, listings)) return true;
  return false;
}

#ifdef PARLANCE_HAVE_LIBARCHIVE

std::string without_compressed_suffix(const std::string& name) {
  for (const auto& x : kCompressedSuffixes)
    if (ends_with(name, x)) return name.substr(0, name.size() - x.size());
  return name;
}

// One libarchive reader over one file; `raw`: a single compressed stream.
class ArchiveReader {
 public:
  ArchiveReader(const std::string& path, bool raw) : path_(path), a_(archive_read_new()) {
    archive_read_support_filter_all(a_);
    if (raw)
      archive_read_support_format_raw(a_);
    else
      archive_read_support_format_all(a_);
    if (archive_read_open_filename(a_, path.c_str(), 1 << 20) != ARCHIVE_OK) {
      const std::string why = error();
      archive_read_free(a_);  // the destructor does not run for a throwing constructor
      throw UserError(path + ": cannot be read as " + (raw ? "a compressed file" : "an archive") + " (" + why + ")");
    }
  }
  ~ArchiveReader() { archive_read_free(a_); }
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // The next member, or nullptr at the end. `after`: the last member read, for the message.
  archive_entry* next(const std::string& after) {
    archive_entry* e = nullptr;
    const int r = archive_read_next_header(a_, &e);
    if (r == ARCHIVE_EOF) return nullptr;
    if (r < ARCHIVE_WARN)
      throw UserError(path_ + ": damaged " + (after.empty() ? "at its start" : "after member " + after) + " (" + error() +
                      ")");
    return e;
  }
  // Writes the current member's bytes to `dest` (a new file).
  void copy_to(const fs::path& dest, const std::string& member) {
    std::ofstream out(dest, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(dest.string() + ": cannot be written while unpacking " + path_);
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      const int r = archive_read_data_block(a_, &buf, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) throw UserError(path_ + ": damaged in member " + member + " (" + error() + ")");
      out.seekp(offset);  // sparse members: a hole reads back as zeros
      out.write(static_cast<const char*>(buf), static_cast<std::streamsize>(size));
    }
    out.close();
    if (!out) throw UserError(dest.string() + ": write failed while unpacking " + path_ + " (disk full?)");
  }
  bool compressed() const { return archive_filter_count(a_) > 1; }  // "none" is always the last filter

 private:
  std::string error() const {
    const char* m = archive_error_string(a_);
    return m ? m : "unknown error";
  }
  std::string path_;
  archive* a_;
};

void unpack_file(const std::string& src, const fs::path& dest) {
  ArchiveReader r(src, true);
  if (!r.next("")) throw UserError(src + ": empty compressed file");
  if (!r.compressed())
    throw UserError(src + ": is not compressed, though its name says so (expected gzip, bzip2, xz or zstd data)");
  r.copy_to(dest, fs::path(src).filename().string());
}

// One compressed file unpacked into `dir` under its name without the suffix; returns that path.
std::string unpack_file_into(const std::string& src, const fs::path& dir) {
  fs::create_directory(dir);
  const fs::path dest = dir / without_compressed_suffix(fs::path(src).filename().string());
  unpack_file(src, dest);
  return dest.string();
}

// A member's path below the scratch folder; refuses paths that leave it.
fs::path member_path(const std::string& archive_path, const char* name) {
  if (!name || !*name) throw UserError(archive_path + ": a member has no name");
  fs::path rel = fs::path(name).lexically_normal();
  if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
    throw UserError(archive_path + ": member " + name + " would be written outside the archive's folder");
  return rel;
}

// Unpacks every member into `dest`; returns the top-level name when the
// archive holds exactly one top-level entry (its usual layout: one folder), else "".
std::string unpack_archive(const std::string& src, const fs::path& dest) {
  ArchiveReader r(src, false);
  std::vector<std::string> tops;
  std::string last;
  size_t files = 0;
  while (archive_entry* e = r.next(last)) {
    const fs::path rel = member_path(src, archive_entry_pathname(e));
    last = rel.string();
    const std::string top = rel.begin()->string();
    if (std::find(tops.begin(), tops.end(), top) == tops.end()) tops.push_back(top);
    const auto type = archive_entry_filetype(e);
    if (type == AE_IFDIR) {
      fs::create_directories(dest / rel);
    } else if (type == AE_IFREG && !archive_entry_hardlink(e)) {
      fs::create_directories((dest / rel).parent_path());
      r.copy_to(dest / rel, last);
      ++files;
    } else {
      throw UserError(src + ": member " + last +
                      " is a link or special file, which prep does not follow (unpack the archive and give the folder)");
    }
  }
  if (files == 0) throw UserError(src + ": the archive holds no files");
  return tops.size() == 1 ? tops[0] : "";
}

// The folder `src` again under `dest`: compressed files unpacked (suffix
// dropped), every other file a link to the original.
void mirror_folder(const fs::path& src, const fs::path& dest) {
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    const fs::path rel = fs::relative(e.path(), src);
    if (e.is_directory()) {
      fs::create_directories(dest / rel);
    } else if (e.is_regular_file()) {
      fs::create_directories((dest / rel).parent_path());
      const std::string name = e.path().filename().string();
      if (is_compressed_name(name))
        unpack_file(e.path().string(), dest / rel.parent_path() / without_compressed_suffix(name));
      else
        fs::create_symlink(fs::absolute(e.path()), dest / rel);
    }
  }
}

#endif  // PARLANCE_HAVE_LIBARCHIVE

bool needs_unpacking(const std::string& path, DirListings& listings) {
  if (path.empty()) return false;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return folder_has_compressed(path, listings);
  return is_archive_name(path) || is_compressed_name(path);
}

}  // namespace

bool reads_compressed_input() {
#ifdef PARLANCE_HAVE_LIBARCHIVE
  return true;
#else
  return false;
#endif
}

bool is_archive_name(const std::string& path) {
  return std::any_of(kArchiveSuffixes.begin(), kArchiveSuffixes.end(), [&](const auto& x) { return ends_with(path, x); });
}

bool is_compressed_name(const std::string& path) {
  return !is_archive_name(path) &&
         std::any_of(kCompressedSuffixes.begin(), kCompressedSuffixes.end(), [&](const auto& x) { return ends_with(path, x); });
}

// Rank 0 unpacks; the others wait in the collective. Sets the scratch-side roots.
void ExpandedInputs::unpack(bool input, bool tgt, std::string& input_root, std::string& tgt_root) const {
  mpi::collectively([&] {
    if (mpi::rank() != 0) return;
    try {
      unpack_on_rank0(input, tgt, input_root, tgt_root);
    } catch (const fs::filesystem_error& e) {
      throw UserError(std::string("unpacking the input: ") + e.what());
    }
  });
}

void ExpandedInputs::unpack_on_rank0(bool input, bool tgt, std::string& input_root, std::string& tgt_root) const {
  const PrepConfig& cfg = cfg_;
#ifndef PARLANCE_HAVE_LIBARCHIVE
  (void)tgt, (void)input_root, (void)tgt_root;
  throw UserError((input ? cfg.input : cfg.input_tgt) +
                  ": is compressed, and this build of parlance reads no compressed input (built without libarchive)");
#else
  std::error_code ec;
  fs::remove_all(scratch_, ec);  // an aborted run's leftover
  if (!fs::create_directory(scratch_, ec))
    throw UserError(scratch_ + ": cannot create the folder to unpack the input into (" + ec.message() + ")");
  if (input) {
    const fs::path dest = fs::path(scratch_) / "input";
    if (fs::is_directory(cfg.input)) {
      mirror_folder(cfg.input, dest);
      input_root = dest.string();
    } else if (is_archive_name(cfg.input)) {
      fs::create_directory(dest);
      const std::string top = unpack_archive(cfg.input, dest);
      input_root = top.empty() ? dest.string() : (dest / top).string();
    } else {
      input_root = unpack_file_into(cfg.input, dest);
    }
  }
  if (tgt) {
    if (!is_compressed_name(cfg.input_tgt)) throw UserError(cfg.input_tgt + ": the target side must be a file");
    tgt_root = unpack_file_into(cfg.input_tgt, fs::path(scratch_) / "target");
  }
#endif
}

ExpandedInputs::ExpandedInputs(const PrepConfig& cfg, DirListings* listings) : cfg_(cfg) {
  const auto t0 = std::chrono::steady_clock::now();
  DirListings own;
  DirListings& dirs = listings ? *listings : own;
  // Every rank sees the same names and folders, so every rank agrees on whether there is work.
  const bool input = needs_unpacking(cfg.input, dirs), tgt = needs_unpacking(cfg.input_tgt, dirs);
  if (!input && !tgt) return;
  scratch_ = cfg.out + ".expanded";
  std::string input_root, tgt_root;
  try {
    unpack(input, tgt, input_root, tgt_root);
  } catch (...) {
    std::error_code ec;
    if (mpi::rank() == 0) fs::remove_all(scratch_, ec);  // no destructor runs for a constructor that throws
    throw;
  }
  input_root = mpi::broadcast(input_root);
  tgt_root = mpi::broadcast(tgt_root);
  if (input) {
    input_origin_ = cfg.input;
    input_root_ = input_root;
    input_is_mirror_ = fs::is_directory(cfg.input);
    input_is_archive_ = !input_is_mirror_ && is_archive_name(cfg.input);
    // An archive's one top-level entry is part of every member's name.
    if (input_is_archive_) {
      const fs::path top = fs::path(input_root).lexically_relative(fs::path(scratch_) / "input");
      if (top != ".") input_archive_top_ = top.generic_string();
    }
    cfg_.input = input_root;
  }
  if (tgt) {
    tgt_origin_ = cfg.input_tgt;
    tgt_root_ = tgt_root;
    cfg_.input_tgt = tgt_root;
  }
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ExpandedInputs::~ExpandedInputs() {
  if (scratch_.empty() || mpi::rank() != 0) return;
  std::error_code ec;
  fs::remove_all(scratch_, ec);
}

namespace {

// (cwd / p).lexically_normal(), as a string. The common case — no "." or ".."
// component, no doubled or trailing slash — is string joining: provenance
// names every file of a corpus, and aclImdb has 100,000.
std::string absolute_normal(const std::string& cwd, const std::string& p) {
  std::string joined;
  if (p.empty() || p[0] != '/') joined.reserve(cwd.size() + 1 + p.size()), joined.append(cwd).append(1, '/');
  joined.append(p);
  bool normal = joined.back() != '/';
  for (size_t i = 0; normal && i + 1 < joined.size(); ++i)
    normal = !(joined[i] == '/' && (joined[i + 1] == '.' || joined[i + 1] == '/'));
  return normal ? joined : fs::path(joined).lexically_normal().string();
}

}  // namespace

std::string ExpandedInputs::origin(const std::string& path) const {
  auto absolute = [&](const std::string& p) { return absolute_normal(cwd_, p); };
  if (!tgt_root_.empty() && path == tgt_root_) return absolute(tgt_origin_);
  if (input_root_.empty()) return absolute(path);
  if (path == input_root_ && !input_is_archive_) return absolute(input_origin_);
  const fs::path rel = path == input_root_ ? fs::path(".") : fs::path(path).lexically_relative(input_root_);
  if (rel.empty() || *rel.begin() == "..") return absolute(path);
  if (input_is_archive_) {
    const std::string member = rel == "." ? input_archive_top_ : (fs::path(input_archive_top_) / rel).generic_string();
    return absolute(input_origin_) + ":" + member;
  }
  if (input_is_mirror_) {
    std::error_code ec;
    if (fs::is_symlink(path, ec)) return absolute(fs::read_symlink(path, ec).string());
    const std::string original = absolute((fs::path(input_origin_) / rel).string());
    for (const auto& x : kCompressedSuffixes)
      if (fs::exists(original + x, ec)) return original + x;
  }
  return absolute(path);
}

}  // namespace parlance
