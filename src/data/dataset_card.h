#pragma once
// What a trained model needs from its prepared dataset to be used without it:
// each stream's vocabulary, tokenizer options and SentencePiece model, and the
// class names. Saved with every checkpoint, so a run folder is self-contained
// (eval on another file, generate, predict, translate after the .h5 moved).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace parlance {

class PreparedDataset;

struct StreamCard {
  std::vector<std::string> itos;
  std::string tokenizer_json;  // text/tokenizer.h's options, as prep wrote them
  std::string sp_model;        // serialized SentencePiece model, or empty
};

struct DatasetCard {
  std::string source;                        // the prepared file it was read from
  std::map<std::string, StreamCard> streams;  // "" or "src" / "tgt"
  std::vector<std::string> classes;           // empty when unlabelled

  static DatasetCard from(const PreparedDataset& data);
  bool empty() const { return streams.empty(); }
  const StreamCard& stream(const std::string& name = "") const;  // throws UserError when absent

  // A self-describing byte string (CBOR) and back; `origin` names the file in errors.
  std::string serialize() const;
  static DatasetCard deserialize(const std::string& bytes, const std::string& origin);
};

// How `trained` (a checkpoint's card) and `data` (the dataset at hand) differ
// in what a model depends on — each stream's vocabulary and tokenizer, the
// classes — as one readable phrase; "" when they agree. The file name is not
// compared (a moved dataset is the same dataset).
std::string card_difference(const DatasetCard& trained, const DatasetCard& data);

}  // namespace parlance
