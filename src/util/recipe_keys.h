#pragma once
// A recipe key declared once, in one line: its name, the member of the config
// struct it sets, its help, and its range or choices. The schema that validates
// recipes and --set overrides, and the reader that fills the struct, both come
// from the same list; defaults are the struct's own member initializers, so a
// default is written in exactly one place.
//
//   key("model.emb", &TrainConfig::model, &LmSpec::emb, "embedding size", {1, 1e6}),
//   key("train.optimizer", &TrainConfig::optimizer, "optimizer", {}, {"adam", "sgd"}),
//   choice("prep.doc_split", &PrepConfig::doc_split, "...", {{"line", DocSplit::Line}, {"file", DocSplit::File}}),
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "util/config.h"

namespace parlance::recipe {

template <class C>
struct Key {
  KeySpec spec;
  std::function<void(const Config&, C&)> read;  // sets the member when the recipe has the key
};

struct Bounds {
  std::optional<double> min, max;
};

template <class T>
constexpr KeyType type_of() {
  if constexpr (std::is_same_v<T, std::string>) return KeyType::String;
  else if constexpr (std::is_same_v<T, bool>) return KeyType::Bool;
  else if constexpr (std::is_same_v<T, double>) return KeyType::Float;
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return KeyType::StringList;
  else if constexpr (std::is_same_v<T, std::vector<int64_t>>) return KeyType::IntList;
  else {
    static_assert(std::is_integral_v<T>, "recipe keys are strings, bools, numbers or lists");
    return KeyType::Int;
  }
}

template <class T>
T value_of(const Config& cfg, const std::string& name, const T& def) {
  if constexpr (std::is_same_v<T, std::string>) return cfg.get_string(name, def);
  else if constexpr (std::is_same_v<T, bool>) return cfg.get_bool(name, def);
  else if constexpr (std::is_same_v<T, double>) return cfg.get_float(name, def);
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return cfg.get_strings(name, def);
  else if constexpr (std::is_same_v<T, std::vector<int64_t>>) return cfg.get_ints(name, def);
  else return static_cast<T>(cfg.get_int(name, static_cast<int64_t>(def)));
}

// A member of C.
template <class C, class T>
Key<C> key(const std::string& name, T C::*member, const std::string& help, Bounds b = {},
           std::vector<std::string> choices = {}) {
  return {KeySpec{name, type_of<T>(), help, b.min, b.max, std::move(choices)},
          [name, member](const Config& cfg, C& c) { c.*member = value_of<T>(cfg, name, c.*member); }};
}

// A member of a struct S held in C (TrainConfig::model → LmSpec::emb).
template <class C, class S, class T>
Key<C> key(const std::string& name, S C::*outer, T S::*inner, const std::string& help, Bounds b = {},
           std::vector<std::string> choices = {}) {
  return {KeySpec{name, type_of<T>(), help, b.min, b.max, std::move(choices)},
          [name, outer, inner](const Config& cfg, C& c) { (c.*outer).*inner = value_of<T>(cfg, name, (c.*outer).*inner); }};
}

// An enum member chosen by name: `names` lists every (name, value) pair, and
// the schema allows exactly those names.
template <class E>
using Names = std::vector<std::pair<std::string, E>>;

template <class E>
E enum_read(const Config& cfg, const std::string& key, const Names<E>& names, E current) {
  std::string def;
  for (const auto& [n, v] : names)
    if (v == current) def = n;
  const std::string chosen = cfg.get_string(key, def);
  for (const auto& [n, v] : names)
    if (n == chosen) return v;
  return current;  // unreachable: the schema admits only the listed names
}

template <class E>
std::vector<std::string> enum_names(const Names<E>& names) {
  std::vector<std::string> out;
  for (const auto& nv : names) out.push_back(nv.first);
  return out;
}

template <class C, class E>
Key<C> choice(const std::string& name, E C::*member, const std::string& help, Names<E> names) {
  return {KeySpec{name, KeyType::String, help, {}, {}, enum_names(names)},
          [name, member, names](const Config& cfg, C& c) { c.*member = enum_read(cfg, name, names, c.*member); }};
}

template <class C, class S, class E>
Key<C> choice(const std::string& name, S C::*outer, E S::*inner, const std::string& help, Names<E> names) {
  return {KeySpec{name, KeyType::String, help, {}, {}, enum_names(names)},
          [name, outer, inner, names](const Config& cfg, C& c) {
            (c.*outer).*inner = enum_read(cfg, name, names, (c.*outer).*inner);
          }};
}

template <class C>
std::vector<KeySpec> schema_of(const std::vector<Key<C>>& keys) {
  std::vector<KeySpec> out;
  for (const auto& k : keys) out.push_back(k.spec);
  return out;
}

template <class C>
void read_all(const std::vector<Key<C>>& keys, const Config& cfg, C& c) {
  for (const auto& k : keys) k.read(cfg, c);
}

}  // namespace parlance::recipe
