#pragma once
// Recipes are TOML files; every key can be overridden on the command line with
// --set section.key=value. Keys are declared up front (name, type, default,
// allowed range), so an unknown key or a wrong type is an error naming the
// file and the key rather than a silently ignored typo. A section is a
// [table] or a list of [[tables]] (training stages), checked alike.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <toml++/toml.h>

namespace parlance {

enum class KeyType { String, Int, Float, Bool, StringList, IntList };

struct KeySpec {
  std::string name;  // "prep.max_vocab"
  KeyType type;
  std::string help;
  // Numbers: inclusive bounds. Strings: allowed values (empty = any).
  std::optional<double> min, max;
  std::vector<std::string> choices;
};

class Config {
 public:
  // Loads `path`, applies `overrides` ("section.key=value"), checks every key
  // against `schema`. Throws UserError naming the file and key.
  static Config load(const std::string& path, const std::vector<std::string>& overrides,
                     const std::vector<KeySpec>& schema);
  // For tests: from TOML text.
  static Config parse(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides,
                      const std::vector<KeySpec>& schema);

  bool has(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& def) const;
  int64_t get_int(const std::string& key, int64_t def) const;
  double get_float(const std::string& key, double def) const;
  bool get_bool(const std::string& key, bool def) const;
  std::vector<std::string> get_strings(const std::string& key, std::vector<std::string> def) const;
  std::vector<int64_t> get_ints(const std::string& key, std::vector<int64_t> def) const;

  // Each [[section]] table of a list, in order, as a Config of its own whose
  // keys read as "section.key" (empty when the recipe has none).
  std::vector<Config> tables(const std::string& section) const;

  // The resolved recipe (file + overrides) as TOML text, for provenance.
  std::string to_toml() const;
  const std::string& origin() const { return origin_; }

 private:
  toml::table table_;
  std::string origin_;
};

}  // namespace parlance
