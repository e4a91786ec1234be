#pragma once
// Lookups in the name → factory maps (model architectures, tasks): the names a
// recipe may choose, and the factory for a name or a UserError listing them.
#include <map>
#include <string>
#include <vector>

#include "util/error.h"

namespace parlance {

template <class Factory>
std::vector<std::string> registry_names(const std::map<std::string, Factory>& reg) {
  std::vector<std::string> out;
  for (const auto& entry : reg) out.push_back(entry.first);
  return out;
}

// `what` names the recipe key in the error ("model arch", "train.task").
template <class Factory>
const Factory& registry_find(const std::map<std::string, Factory>& reg, const std::string& name, const std::string& what) {
  auto it = reg.find(name);
  if (it != reg.end()) return it->second;
  std::string known;
  for (const auto& n : registry_names(reg)) known += (known.empty() ? "" : ", ") + n;
  throw UserError("unknown " + what + " \"" + name + "\" (known: " + known + ")");
}

}  // namespace parlance
