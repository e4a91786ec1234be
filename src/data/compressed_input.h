#pragma once
// Compressed prep inputs: an archive (.tar, .tar.gz/.tgz, .tar.bz2, .tar.xz,
// .tar.zst, .zip) as prep.input, a compressed file (.gz, .bz2, .xz, .zst) as
// prep.input or prep.input_tgt, or compressed files inside an input folder.
//
// Prep shards its input by byte offsets in one global order of files, which a
// compressed stream cannot seek to. So rank 0 unpacks, once, into a scratch
// folder beside the output (OUT.expanded/, on the file system every rank
// already shares for the parallel HDF5 write), and the rest of prep reads that
// folder as it would read the unpacked input: the output is the one the
// unpacked input gives, for any rank count. An input folder holding some
// compressed files is mirrored: those files unpacked (name without the
// suffix), the others linked. The scratch folder is removed when prep ends
// (an aborted run's leftover is removed by the next prep to the same output),
// and the output's provenance names the archive and member, not the scratch.
//
// Unpacking goes through Debian's libarchive; a build without it refuses
// compressed inputs with one line saying so.
#include <filesystem>
#include <string>

#include "data/prep_config.h"
#include "util/dir_listing.h"

namespace parlance {

class ExpandedInputs {
 public:
  // Collective (every rank calls it): rank 0 unpacks what `cfg` names that is
  // compressed; errors (a damaged archive, a member path leaving the archive's
  // folder, a link member) are one agreed UserError naming the file and member.
  // `listings`, if given, keeps the folders listed on the way for the caller.
  explicit ExpandedInputs(const PrepConfig& cfg, DirListings* listings = nullptr);
  ~ExpandedInputs();  // rank 0 removes the scratch folder
  ExpandedInputs(const ExpandedInputs&) = delete;
  ExpandedInputs& operator=(const ExpandedInputs&) = delete;

  // `cfg` with input / input_tgt pointing at the unpacked copies (unchanged
  // when nothing was compressed).
  const PrepConfig& config() const { return cfg_; }
  bool any() const { return !scratch_.empty(); }
  // For provenance: a path prep read, absolute, as the user knows it
  // ("ARCHIVE:MEMBER" for an archive member, the original file for a linked or
  // unpacked one, the path itself for anything else).
  std::string origin(const std::string& path) const;
  double seconds() const { return seconds_; }

 private:
  void unpack(bool input, bool tgt, std::string& input_root, std::string& tgt_root) const;
  void unpack_on_rank0(bool input, bool tgt, std::string& input_root, std::string& tgt_root) const;

  PrepConfig cfg_;
  std::string scratch_;               // "" when nothing was unpacked
  std::string input_origin_, input_root_;  // input_root_ (in scratch) stands for input_origin_
  std::string input_archive_top_;         // an archive's one top-level entry (input_root_ is it), else ""
  std::string tgt_origin_, tgt_root_;
  std::string cwd_ = std::filesystem::current_path().string();  // once: origin() runs per input file
  bool input_is_archive_ = false, input_is_mirror_ = false;
  double seconds_ = 0;
};

// Whether this build reads compressed inputs (built with libarchive): what
// `parlance --version` says, and what tests of unpacking skip on.
bool reads_compressed_input();

// Exposed for tests: which names count as an archive / a compressed file.
bool is_archive_name(const std::string& path);
bool is_compressed_name(const std::string& path);  // a single compressed file (not an archive)

}  // namespace parlance
