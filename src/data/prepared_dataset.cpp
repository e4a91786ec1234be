#include "data/prepared_dataset.h"

#include <nlohmann/json.hpp>

#include "data/h5_file.h"
#include "util/error.h"

namespace parlance {
namespace prepared {

std::string vocab_group(const std::string& stream) { return stream.empty() ? "/vocab" : "/" + stream + "_vocab"; }
std::string itos(const std::string& stream) { return vocab_group(stream) + "/itos"; }
std::string counts(const std::string& stream) { return vocab_group(stream) + "/counts"; }
std::string sp_model(const std::string& stream) { return vocab_group(stream) + "/sp_model"; }
std::string split_group(const std::string& split) { return "/" + split; }
std::string tokens(const std::string& split, const std::string& stream) {
  return split_group(split) + "/" + (stream.empty() ? "" : stream + "_") + "tokens";
}
std::string doc_offsets(const std::string& split, const std::string& stream) {
  return split_group(split) + "/" + (stream.empty() ? "" : stream + "_") + "doc_offsets";
}
std::string labels(const std::string& split) { return split_group(split) + "/labels"; }
std::string tokenizer_attr(const std::string& stream) { return stream == "tgt" ? "tgt_tokenizer" : "tokenizer"; }

}  // namespace prepared

PreparedDataset::PreparedDataset(const std::string& path)
    : path_(path), file_(std::make_unique<H5File>(path, H5File::Mode::Read)) {
  if (!file_->has_attr("/", "format") || file_->attr_string("/", "format") != prepared::kFormat)
    throw UserError(path + ": not a prepared dataset (no format = \"" + prepared::kFormat +
                    "\" attribute; write one with parlance prep)");
  const int64_t version = file_->has_attr("/", "format_version") ? file_->attr_int("/", "format_version") : -1;
  if (version < prepared::kOldestReadableVersion || version > prepared::kFormatVersion)
    throw UserError(path + ": prepared-dataset format_version " + std::to_string(version) + ", this parlance reads " +
                    std::to_string(prepared::kOldestReadableVersion) + " to " + std::to_string(prepared::kFormatVersion) +
                    " (prepare the corpus again with this version)");
}

PreparedDataset::~PreparedDataset() = default;
PreparedDataset::PreparedDataset(PreparedDataset&&) noexcept = default;
PreparedDataset& PreparedDataset::operator=(PreparedDataset&&) noexcept = default;

std::string PreparedDataset::name() const { return file_->attr_string("/", "name"); }

std::vector<std::string> PreparedDataset::splits() const {
  return nlohmann::json::parse(file_->attr_string("/", "splits")).get<std::vector<std::string>>();
}

std::vector<std::string> PreparedDataset::streams() const {
  return nlohmann::json::parse(file_->attr_string("/", "streams")).get<std::vector<std::string>>();
}

bool PreparedDataset::has_split(const std::string& split) const {
  return file_->exists(prepared::split_group(split));
}

void PreparedDataset::require_split(const std::string& split, const std::string& stream) const {
  if (file_->exists(prepared::tokens(split, stream))) return;
  std::string known;
  for (const auto& s : splits()) known += (known.empty() ? "" : ", ") + s;
  throw UserError(path_ + ": no split \"" + split + "\"" + (stream.empty() ? "" : " of stream \"" + stream + "\"") +
                  " (it has: " + known + ")");
}

std::vector<std::string> PreparedDataset::itos(const std::string& stream) const {
  return file_->read_strings(prepared::itos(stream));
}

std::string PreparedDataset::tokenizer_json(const std::string& stream) const {
  return file_->attr_string("/", prepared::tokenizer_attr(stream));
}

std::string PreparedDataset::sentencepiece_model(const std::string& stream) const {
  const std::string ds = prepared::sp_model(stream);
  return file_->exists(ds) ? file_->read_bytes(ds) : std::string();
}

uint64_t PreparedDataset::n_tokens(const std::string& split, const std::string& stream) const {
  require_split(split, stream);
  return file_->length(prepared::tokens(split, stream));
}

std::vector<int32_t> PreparedDataset::tokens(const std::string& split, uint64_t first, uint64_t n,
                                             const std::string& stream) const {
  require_split(split, stream);
  std::vector<int32_t> ids = file_->read<int32_t>(prepared::tokens(split, stream), first, n);
  const auto v = static_cast<int64_t>(vocab_size(stream));
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= v)
      throw UserError(path_ + ": token " + std::to_string(first + i) + " of split \"" + split + "\"" +
                      (stream.empty() ? "" : " (" + stream + ")") + " is id " + std::to_string(ids[i]) +
                      ", outside the vocabulary's " + std::to_string(v) + " entries: the file is damaged; prepare it again");
  return ids;
}

size_t PreparedDataset::vocab_size(const std::string& stream) const {
  auto it = vocab_sizes_.find(stream);
  if (it == vocab_sizes_.end()) it = vocab_sizes_.emplace(stream, itos(stream).size()).first;
  return it->second;
}

std::vector<int64_t> PreparedDataset::doc_offsets(const std::string& split, const std::string& stream) const {
  require_split(split, stream);
  return file_->read<int64_t>(prepared::doc_offsets(split, stream));
}

bool PreparedDataset::labelled() const { return file_->exists(prepared::kClasses); }

std::vector<std::string> PreparedDataset::classes() const {
  if (!labelled()) throw UserError(path_ + ": has no classes (prepared from an unlabelled corpus)");
  return file_->read_strings(prepared::kClasses);
}

std::vector<int32_t> PreparedDataset::labels(const std::string& split) const {
  require_split(split, "");
  if (!file_->exists(prepared::labels(split))) throw UserError(path_ + ": split \"" + split + "\" has no labels");
  return file_->read<int32_t>(prepared::labels(split));
}

}  // namespace parlance
