#include "data/dataset_card.h"

#include <nlohmann/json.hpp>

#include "data/prepared_dataset.h"
#include "util/error.h"

namespace parlance {

DatasetCard DatasetCard::from(const PreparedDataset& data) {
  DatasetCard card;
  card.source = data.path();
  for (const auto& s : data.streams())
    card.streams[s] = StreamCard{data.itos(s), data.tokenizer_json(s), data.sentencepiece_model(s)};
  if (data.labelled()) card.classes = data.classes();
  return card;
}

const StreamCard& DatasetCard::stream(const std::string& name) const {
  auto it = streams.find(name);
  if (it == streams.end())
    throw UserError("the model's dataset card has no stream \"" + name + "\" (trained on " + source + ")");
  return it->second;
}

std::string DatasetCard::serialize() const {
  nlohmann::json j;
  j["card_version"] = 1;
  j["source"] = source;
  j["classes"] = classes;
  j["streams"] = nlohmann::json::object();
  for (const auto& [name, s] : streams) {
    nlohmann::json js;
    js["itos"] = s.itos;
    js["tokenizer"] = s.tokenizer_json;
    // A SentencePiece model is protobuf bytes: CBOR keeps it as a binary value.
    js["sp_model"] = nlohmann::json::binary(std::vector<uint8_t>(s.sp_model.begin(), s.sp_model.end()));
    j["streams"][name] = js;
  }
  auto bytes = nlohmann::json::to_cbor(j);
  return std::string(bytes.begin(), bytes.end());
}

DatasetCard DatasetCard::deserialize(const std::string& bytes, const std::string& origin) {
  DatasetCard card;
  try {
    auto j = nlohmann::json::from_cbor(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    if (j.at("card_version").get<int>() != 1) throw UserError(origin + ": dataset card of an unknown version");
    card.source = j.at("source").get<std::string>();
    card.classes = j.at("classes").get<std::vector<std::string>>();
    for (const auto& [name, js] : j.at("streams").items()) {
      const auto& bin = js.at("sp_model").get_binary();
      card.streams[name] = StreamCard{js.at("itos").get<std::vector<std::string>>(), js.at("tokenizer").get<std::string>(),
                                      std::string(bin.begin(), bin.end())};
    }
  } catch (const nlohmann::json::exception& e) {
    throw UserError(origin + ": damaged dataset card (" + e.what() + ")");
  }
  return card;
}

std::string card_difference(const DatasetCard& trained, const DatasetCard& data) {
  for (const auto& [name, t] : trained.streams) {
    const std::string which = name.empty() ? "the vocabulary" : "the " + name + " vocabulary";
    auto it = data.streams.find(name);
    if (it == data.streams.end()) return "the dataset has no " + (name.empty() ? std::string("token") : name) + " stream";
    const StreamCard& d = it->second;
    if (t.itos.size() != d.itos.size())
      return which + " has " + std::to_string(t.itos.size()) + " entries in the checkpoint and " +
             std::to_string(d.itos.size()) + " in the dataset";
    for (size_t i = 0; i < t.itos.size(); ++i)
      if (t.itos[i] != d.itos[i])
        return which + " differs at id " + std::to_string(i) + " (\"" + t.itos[i] + "\" in the checkpoint, \"" + d.itos[i] +
               "\" in the dataset)";
    if (t.tokenizer_json != d.tokenizer_json || t.sp_model != d.sp_model)
      return "the tokenizer settings differ (" + t.tokenizer_json + " vs " + d.tokenizer_json + ")";
  }
  if (trained.streams.size() != data.streams.size()) return "the dataset has other streams";
  if (trained.classes != data.classes) return "the classes differ";
  return "";
}

}  // namespace parlance
