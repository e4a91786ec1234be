#include "models/language_model.h"

#include "models/awd_lstm.h"
#include "models/simple_rnn.h"
#include "util/registry.h"

namespace parlance {

const std::map<std::string, LmFactory>& lm_registry() {
  static const std::map<std::string, LmFactory> registry = {
      {"awd_lstm", [](const LmSpec& s) { return std::make_shared<AwdLstm>(s); }},
      {"rnn", [](const LmSpec& s) { return std::make_shared<SimpleRnnLm>(s, SimpleRnnLm::Cell::Rnn); }},
      {"gru", [](const LmSpec& s) { return std::make_shared<SimpleRnnLm>(s, SimpleRnnLm::Cell::Gru); }},
      {"lstm", [](const LmSpec& s) { return std::make_shared<SimpleRnnLm>(s, SimpleRnnLm::Cell::Lstm); }},
  };
  return registry;
}

std::shared_ptr<LanguageModel> make_language_model(const LmSpec& spec) {
  return registry_find(lm_registry(), spec.arch, "model arch")(spec);
}

}  // namespace parlance
