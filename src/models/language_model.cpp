#include "models/language_model.h"

#include "models/awd_lstm.h"
#include "models/simple_rnn.h"
#include "util/error.h"

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
  const auto& reg = lm_registry();
  auto it = reg.find(spec.arch);
  if (it == reg.end()) {
    std::string known;
    for (const auto& [name, f] : reg) known += (known.empty() ? "" : ", ") + name;
    throw UserError("unknown model arch \"" + spec.arch + "\" (known: " + known + ")");
  }
  return it->second(spec);
}

}  // namespace parlance
