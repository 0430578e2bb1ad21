// SPDX-License-Identifier: MIT
// `${...}` in mlops.yaml stages, with DVC's rules: values come from params.yaml and `vars:`
// (top level and per stage) and, in a `foreach`/`matrix` stage, from `item` and `key`.
// Everything is resolved before hashing: mlops.lock holds the resulting text only.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::pipeline::tmpl {

// The limits that keep a hostile mlops.yaml bounded (checked before anything is expanded).
inline constexpr std::size_t k_max_stages = 10'000;                         // after foreach/matrix
inline constexpr std::size_t k_max_expanded_bytes = std::size_t{64} << 20;  // text made by ${}

// The variables visible at one place: names, each from one source ("params.yaml",
// "mlops.yaml:4"). A name is defined once: a second source is an error, as in DVC.
class Scope {
 public:
  Scope() = default;
  // A scope on top of `parent` (which must outlive it): a foreach or matrix point adds
  // item and key without copying params.yaml's names once per point.
  explicit Scope(const Scope* parent) : m_parent(parent) {}
  // Adds every key of `map` (from `origin`); false and `clash` set when a name is taken.
  bool add(const YAML::Node& map, const std::string& origin, std::string& clash, std::string& clash_origin);
  void set(const std::string& name, const YAML::Node& value, const std::string& origin);  // item, key
  // The value at `path` ("a.b", "list[0]", "a.b[2].c"), or nullopt.
  std::optional<YAML::Node> find(const std::string& path) const;
  std::string known() const;  // the top-level names, for a hint
  bool empty() const { return m_vars.empty() && (!m_parent || m_parent->empty()); }

 private:
  using Entry = std::pair<YAML::Node, std::string>;  // value, origin
  const Entry* lookup(const std::string& name) const;
  std::map<std::string, Entry> m_vars;
  const Scope* m_parent = nullptr;
};

// Why an interpolation failed (the caller adds FILE:LINE).
struct Failure {
  std::string what, hint;
};

// `text` with every `${path}` replaced by its value (`\${` stays a literal `${`); `budget`
// counts down the bytes produced. In a command (`cmd`), a map becomes `--key value` flags.
// nullopt and `failure` set on an unknown name, a bad reference, a list or map inside text,
// or an exhausted budget.
std::optional<std::string> interpolate(const std::string& text, const Scope& scope, bool cmd, std::size_t& budget, Failure& failure);

// When `text` is exactly one reference "${path}": the value it names (a list or a map for
// `foreach:`/`matrix:`), else nullopt. `failure` is set when it names nothing.
std::optional<YAML::Node> whole_reference(const std::string& text, const Scope& scope, Failure& failure);

// When `text` is exactly one reference naming a list: its items as text, one path each
// (`deps: ${files}`), charged to `budget`. nullopt with `failure` empty when it is anything
// else (the caller interpolates it as text); with `failure` set on an unknown name, an item
// that is a list or map, or an exhausted budget.
std::optional<std::vector<std::string>> list_items(const std::string& text, const Scope& scope, std::size_t& budget, Failure& failure);

}  // namespace mlops::pipeline::tmpl
