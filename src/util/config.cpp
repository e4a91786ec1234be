#include "util/config.h"

#include <fstream>
#include <sstream>

#include "util/error.h"

namespace parlance {
namespace {

const KeySpec* find_spec(const std::vector<KeySpec>& schema, const std::string& key) {
  for (const auto& s : schema)
    if (s.name == key) return &s;
  return nullptr;
}

std::string known_keys(const std::vector<KeySpec>& schema, const std::string& section) {
  std::string out;
  for (const auto& s : schema)
    if (s.name.rfind(section + ".", 0) == 0) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

const char* type_name(KeyType t) {
  switch (t) {
    case KeyType::String: return "a string";
    case KeyType::Int: return "an integer";
    case KeyType::Float: return "a number";
    case KeyType::Bool: return "true or false";
    case KeyType::StringList: return "a list of strings";
    case KeyType::IntList: return "a list of integers";
  }
  return "?";
}

void check_value(const KeySpec& spec, const toml::node& node, const std::string& where) {
  auto fail = [&](const std::string& what) { throw UserError(where + ": " + spec.name + " " + what); };
  auto check_range = [&](double v) {
    if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
      std::ostringstream os;
      os << "= " << v << " is out of range (expected";
      if (spec.min) os << " >= " << *spec.min;
      if (spec.min && spec.max) os << " and";
      if (spec.max) os << " <= " << *spec.max;
      os << ")";
      fail(os.str());
    }
  };
  switch (spec.type) {
    case KeyType::String: {
      if (!node.is_string()) fail("must be " + std::string(type_name(spec.type)));
      const auto& v = node.as_string()->get();
      if (!spec.choices.empty()) {
        bool ok = false;
        std::string all;
        for (const auto& c : spec.choices) ok |= (c == v), all += (all.empty() ? "" : ", ") + c;
        if (!ok) fail("= \"" + v + "\" is not one of: " + all);
      }
      break;
    }
    case KeyType::Int:
      if (!node.is_integer()) fail("must be " + std::string(type_name(spec.type)));
      check_range(static_cast<double>(node.as_integer()->get()));
      break;
    case KeyType::Float:
      if (!node.is_number()) fail("must be " + std::string(type_name(spec.type)));
      check_range(node.value<double>().value());
      break;
    case KeyType::Bool:
      if (!node.is_boolean()) fail("must be " + std::string(type_name(spec.type)));
      break;
    case KeyType::StringList:
    case KeyType::IntList: {
      const auto* arr = node.as_array();
      bool ok = arr != nullptr;
      if (ok)
        for (const auto& e : *arr) ok &= spec.type == KeyType::StringList ? e.is_string() : e.is_integer();
      if (!ok) fail("must be " + std::string(type_name(spec.type)));
      break;
    }
  }
}

void validate_section(const toml::table& sub, const std::string& sec, const std::vector<KeySpec>& schema,
                      const std::string& where) {
  for (const auto& [key, value] : sub) {
    std::string full = sec + "." + std::string(key.str());
    const KeySpec* spec = find_spec(schema, full);
    if (!spec) {
      std::string known = known_keys(schema, sec);
      throw UserError(where + ": unknown key " + full +
                      (known.empty() ? " (unknown section [" + sec + "])" : " (known keys: " + known + ")"));
    }
    check_value(*spec, value, where);
  }
}

// A [section] table, or a list of [[section]] tables (recipe stages).
void validate(const toml::table& table, const std::vector<KeySpec>& schema, const std::string& where) {
  for (const auto& [section, node] : table) {
    std::string sec(section.str());
    if (const auto* sub = node.as_table()) {
      validate_section(*sub, sec, schema, where);
      continue;
    }
    const auto* arr = node.as_array();
    if (!arr || !arr->is_array_of_tables())
      throw UserError(where + ": top-level key \"" + sec + "\" must be a [section] or [[section]] tables");
    for (size_t i = 0; i < arr->size(); ++i)
      validate_section(*arr->get(i)->as_table(), sec, schema, where + " ([[" + sec + "]] #" + std::to_string(i + 1) + ")");
  }
}

void apply_override(toml::table& table, const std::string& assignment, const std::vector<KeySpec>& schema) {
  auto eq = assignment.find('=');
  auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw UserError("--set " + assignment + ": expected section.key=value");
  std::string key = assignment.substr(0, eq), raw = assignment.substr(eq + 1);
  const KeySpec* spec = find_spec(schema, key);
  if (!spec) throw UserError("--set " + assignment + ": unknown key " + key);
  if (table[key.substr(0, dot)].as_array())
    throw UserError("--set " + assignment + ": [[" + key.substr(0, dot) + "]] is a list of tables; edit the recipe instead");
  toml::table* section = table[key.substr(0, dot)].as_table();
  if (!section) {
    table.insert_or_assign(key.substr(0, dot), toml::table{});
    section = table[key.substr(0, dot)].as_table();
  }
  std::string name = key.substr(dot + 1);
  if (spec->type == KeyType::String) {  // strings need no quotes on the command line
    section->insert_or_assign(name, raw);
    return;
  }
  try {
    toml::table parsed = toml::parse("v = " + raw);
    section->insert_or_assign(name, *parsed["v"].node());
  } catch (const toml::parse_error&) {
    throw UserError("--set " + assignment + ": \"" + raw + "\" is not " + type_name(spec->type));
  }
}

}  // namespace

Config Config::parse(const std::string& text, const std::string& origin, const std::vector<std::string>& overrides,
                     const std::vector<KeySpec>& schema) {
  Config c;
  c.origin_ = origin;
  try {
    c.table_ = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw UserError(origin + ":" + std::to_string(src.begin.line) + ": invalid TOML: " + std::string(e.description()));
  }
  validate(c.table_, schema, origin);
  for (const auto& o : overrides) apply_override(c.table_, o, schema);
  validate(c.table_, schema, origin + " (with --set)");
  return c;
}

Config Config::load(const std::string& path, const std::vector<std::string>& overrides,
                    const std::vector<KeySpec>& schema) {
  std::ifstream in(path);
  if (!in) throw UserError(path + ": cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path, overrides, schema);
}

bool Config::has(const std::string& key) const { return table_.at_path(key).node() != nullptr; }

std::string Config::get_string(const std::string& key, const std::string& def) const {
  return table_.at_path(key).value_or(def);
}
int64_t Config::get_int(const std::string& key, int64_t def) const { return table_.at_path(key).value_or(def); }
double Config::get_float(const std::string& key, double def) const { return table_.at_path(key).value_or(def); }
bool Config::get_bool(const std::string& key, bool def) const { return table_.at_path(key).value_or(def); }

std::vector<std::string> Config::get_strings(const std::string& key, std::vector<std::string> def) const {
  const auto* arr = table_.at_path(key).as_array();
  if (!arr) return def;
  std::vector<std::string> out;
  for (const auto& e : *arr) out.push_back(e.value_or(std::string()));
  return out;
}

std::vector<int64_t> Config::get_ints(const std::string& key, std::vector<int64_t> def) const {
  const auto* arr = table_.at_path(key).as_array();
  if (!arr) return def;
  std::vector<int64_t> out;
  for (const auto& e : *arr) out.push_back(e.value_or(int64_t{0}));
  return out;
}

std::vector<Config> Config::tables(const std::string& section) const {
  std::vector<Config> out;
  const auto* arr = table_[section].as_array();
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    Config c;
    c.origin_ = origin_ + " ([[" + section + "]] #" + std::to_string(i + 1) + ")";
    c.table_.insert(section, *arr->get(i)->as_table());
    out.push_back(std::move(c));
  }
  return out;
}

std::string Config::to_toml() const {
  std::ostringstream os;
  os << table_;
  return os.str();
}

}  // namespace parlance
