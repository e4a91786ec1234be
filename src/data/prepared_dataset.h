#pragma once
// The prepared-dataset format (docs/FORMAT.md) has one owner: the names of its
// groups, datasets and attributes are spelled here and nowhere else. `prep`
// writes through `prepared::` names; everything that reads a prepared file goes
// through PreparedDataset, which checks `format` and `format_version` on open.
//
// A "stream" is "" for single-stream corpora (language models, classifiers)
// and "src" / "tgt" for parallel corpora (translation), each with its own
// vocabulary and tokenizer.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace parlance {

class H5File;

namespace prepared {

inline constexpr const char* kFormat = "parlance-prep";
// Version 2 stores a stream's token ids as uint16 when its vocabulary has at
// most 65,536 entries (int32 otherwise); version 1 stored int32 always. Both
// read the same: ids are converted to int32 on reading.
inline constexpr int64_t kFormatVersion = 2;
inline constexpr int64_t kOldestReadableVersion = 1;
inline constexpr size_t kMaxNarrowVocab = 65536;  // ids of larger vocabularies are int32

// Group of a stream's vocabulary: "/vocab", or "/src_vocab" / "/tgt_vocab".
std::string vocab_group(const std::string& stream);
std::string itos(const std::string& stream);         // string[V]
std::string counts(const std::string& stream);       // uint64[V]
std::string sp_model(const std::string& stream);     // uint8[n], SentencePiece only
std::string split_group(const std::string& split);   // "/train"
std::string tokens(const std::string& split, const std::string& stream);       // int32[T]
std::string doc_offsets(const std::string& split, const std::string& stream);  // int64[D+1]
std::string labels(const std::string& split);        // int32[D]
inline constexpr const char* kClasses = "/classes";  // string[C]
// Attribute on "/" holding a stream's tokenizer options (JSON): "tokenizer" or "tgt_tokenizer".
std::string tokenizer_attr(const std::string& stream);

}  // namespace prepared

class PreparedDataset {
 public:
  // Throws UserError naming the file when it is not a prepared dataset or was
  // written in another format version.
  explicit PreparedDataset(const std::string& path);
  ~PreparedDataset();
  PreparedDataset(PreparedDataset&&) noexcept;
  PreparedDataset& operator=(PreparedDataset&&) noexcept;

  const std::string& path() const { return path_; }
  std::string name() const;
  std::vector<std::string> splits() const;
  std::vector<std::string> streams() const;  // [""] or ["src", "tgt"]
  bool has_split(const std::string& split) const;
  // Throws UserError naming the file and the splits it has when `split` has
  // no tokens of `stream`.
  void require_split(const std::string& split, const std::string& stream = "") const;

  std::vector<std::string> itos(const std::string& stream = "") const;
  // Tokenizer options as prep wrote them (JSON; text/tokenizer.h parses them).
  std::string tokenizer_json(const std::string& stream = "") const;
  // The serialized SentencePiece model, or "" when the stream is not SentencePiece.
  std::string sentencepiece_model(const std::string& stream = "") const;

  // Tokens of a split. Throws UserError naming the file when the split is
  // absent, or when an id is outside the stream's vocabulary (a damaged file:
  // found here, not as an index error mid-training).
  uint64_t n_tokens(const std::string& split, const std::string& stream = "") const;
  std::vector<int32_t> tokens(const std::string& split, uint64_t first, uint64_t n,
                              const std::string& stream = "") const;
  std::vector<int64_t> doc_offsets(const std::string& split, const std::string& stream = "") const;

  bool labelled() const;
  std::vector<std::string> classes() const;
  std::vector<int32_t> labels(const std::string& split) const;  // -1: unlabelled

  // The file itself, for tools that list everything in it (inspect).
  const H5File& file() const { return *file_; }

 private:
  size_t vocab_size(const std::string& stream) const;
  std::string path_;
  mutable std::map<std::string, size_t> vocab_sizes_;  // per stream, read on first use
  std::unique_ptr<H5File> file_;
};

}  // namespace parlance
