// SPDX-License-Identifier: MIT
// Hand-written: the `${a.b[0]}` grammar is DVC's, small, and no packaged library has it.
#include "pipeline/templating.hpp"

#include <cctype>
#include <charconv>
#include <set>
#include <vector>

namespace mlops::pipeline::tmpl {
namespace {

bool name_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'; }

struct Step {
  std::string key;  // a map key, or empty for an index
  std::size_t index = 0;
};

// "a.b[0].c" as steps; nullopt for anything else (spaces, empty parts, a bad index).
std::optional<std::vector<Step>> parse_path(const std::string& p) {
  std::vector<Step> r;
  std::size_t i = 0;
  const auto ident = [&]() -> std::optional<std::string> {
    const std::size_t from = i;
    while (i < p.size() && name_char(p[i])) ++i;
    if (i == from) return std::nullopt;
    return p.substr(from, i - from);
  };
  const auto first = ident();
  if (!first) return std::nullopt;
  r.push_back({*first, 0});
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      const auto k = ident();
      if (!k) return std::nullopt;
      r.push_back({*k, 0});
    } else if (p[i] == '[') {
      const std::size_t close = p.find(']', i);
      if (close == std::string::npos || close == i + 1 || close - i > 10) return std::nullopt;
      std::size_t v = 0;
      const auto [end, ec] = std::from_chars(p.data() + i + 1, p.data() + close, v);
      if (ec != std::errc() || end != p.data() + close) return std::nullopt;
      r.push_back({"", v});
      i = close + 1;
    } else {
      return std::nullopt;
    }
  }
  return r;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::string kind_of(const YAML::Node& n) { return n.IsMap() ? "a map" : n.IsSequence() ? "a list" : "null"; }

// A word as the shell reads it back: bare when it is safe, else in single quotes.
std::string shell_word(const std::string& s) {
  const bool safe =
      !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.,/:=+@%") == std::string::npos;
  if (safe) return s;
  std::string r = "'";
  for (char ch : s) r += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return r + "'";
}

// A map in a command: DVC's `--key value` form (true: `--key`, false: left out, a list:
// `--key v1 v2`); nested maps have no such form.
std::optional<std::string> as_flags(const YAML::Node& map, const std::string& path, Failure& f) {
  std::string r;
  for (const auto& kv : map) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
    std::string part;
    if (kv.second.IsScalar()) {
      const std::string& v = kv.second.Scalar();
      if (v == "true" || v == "True") part = shell_word("--" + k);
      else if (v == "false" || v == "False") continue;
      else part = shell_word("--" + k) + " " + shell_word(v);
    } else if (kv.second.IsSequence()) {
      part = shell_word("--" + k);
      for (const YAML::Node& v : kv.second) {
        if (!v.IsScalar()) {
          f = {"'${" + path + "}' has a nested value under '" + k + "', which a command cannot take as flags", ""};
          return std::nullopt;
        }
        part += " " + shell_word(v.Scalar());
      }
    } else {
      f = {"'${" + path + "}' has a nested value under '" + k + "', which a command cannot take as flags", ""};
      return std::nullopt;
    }
    r += (r.empty() ? "" : " ") + part;
  }
  return r;
}

}  // namespace

const Scope::Entry* Scope::lookup(const std::string& name) const {
  for (const Scope* s = this; s; s = s->m_parent)
    if (const auto it = s->m_vars.find(name); it != s->m_vars.end()) return &it->second;
  return nullptr;
}

bool Scope::add(const YAML::Node& map, const std::string& origin, std::string& clash, std::string& clash_origin) {
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    if (const Entry* e = lookup(k)) {
      clash = k;
      clash_origin = e->second;
      return false;
    }
    m_vars.emplace(k, std::pair{kv.second, origin});
  }
  return true;
}

// erase + emplace: assigning to a YAML::Node overwrites the node it refers to, which other
// scopes (copies of this one) share.
void Scope::set(const std::string& name, const YAML::Node& value, const std::string& origin) {
  m_vars.erase(name);
  m_vars.emplace(name, std::pair{value, origin});
}

std::optional<YAML::Node> Scope::find(const std::string& path) const {
  const auto steps = parse_path(path);
  if (!steps) return std::nullopt;
  const Entry* e = lookup(steps->front().key);
  if (!e) return std::nullopt;
  YAML::Node n = e->first;
  for (std::size_t i = 1; i < steps->size(); ++i) {
    const Step& s = (*steps)[i];
    YAML::Node next;
    if (s.key.empty()) {
      if (!n.IsSequence() || s.index >= n.size()) return std::nullopt;
      next = n[s.index];
    } else {
      if (!n.IsMap()) return std::nullopt;
      next = n[s.key];
      if (!next) return std::nullopt;
    }
    n.reset(next);  // rebinds; `n = next` would overwrite the node n refers to
  }
  return n;
}

std::string Scope::known() const {
  std::set<std::string> names;
  for (const Scope* s = this; s; s = s->m_parent)
    for (const auto& kv : s->m_vars) names.insert(kv.first);
  std::string r;
  std::size_t count = 0;
  for (const auto& k : names) {
    if (++count > 20) return r + ", ...";
    r += (r.empty() ? "" : ", ") + k;
  }
  return r;
}

std::optional<std::string> interpolate(const std::string& text, const Scope& scope, bool cmd, std::size_t& budget, Failure& f) {
  std::string r;
  std::size_t i = 0;
  const auto spend = [&](std::size_t n) {
    if (n > budget) {
      f = {"the values put in by ${...} pass " + std::to_string(k_max_expanded_bytes >> 20) + " MiB in all",
           "a foreach or matrix that large is refused; split the pipeline"};
      return false;
    }
    budget -= n;
    return true;
  };
  while (i < text.size()) {
    const std::size_t at = text.find("${", i);
    if (at == std::string::npos) {
      r.append(text, i, std::string::npos);
      break;
    }
    if (at > 0 && text[at - 1] == '\\') {  // \${ is a literal ${
      r.append(text, i, at - 1 - i);
      r += "${";
      i = at + 2;
      continue;
    }
    r.append(text, i, at - i);
    const std::size_t close = text.find('}', at + 2);
    if (close == std::string::npos) {
      f = {"'${' is not closed in '" + text + "'", "write \\${ for a literal ${"};
      return std::nullopt;
    }
    const std::string path = trim(text.substr(at + 2, close - at - 2));
    if (!parse_path(path)) {
      f = {"'${" + text.substr(at + 2, close - at - 2) + "}' is not a variable reference",
           "references look like ${name}, ${a.b} or ${list[0]}"};
      return std::nullopt;
    }
    const auto v = scope.find(path);
    if (!v) {
      f = {"unknown variable '" + path + "'", scope.empty() ? "define it under vars: or in params.yaml" : "known: " + scope.known()};
      return std::nullopt;
    }
    std::string value;
    if (v->IsScalar()) {
      value = v->Scalar();
    } else if (cmd && v->IsMap()) {
      const auto flags = as_flags(*v, path, f);
      if (!flags) return std::nullopt;
      value = *flags;
    } else {
      f = {"'${" + path + "}' is " + kind_of(*v) + ", which cannot be put into text",
           cmd ? "use one of its values, e.g. ${" + path + (v->IsSequence() ? "[0]" : ".KEY") + "}" : "use a single value"};
      return std::nullopt;
    }
    if (!spend(value.size())) return std::nullopt;
    r += value;
    i = close + 1;
  }
  return r;
}

std::optional<YAML::Node> whole_reference(const std::string& text, const Scope& scope, Failure& f) {
  if (!text.starts_with("${") || text.back() != '}' || text.find('}') != text.size() - 1) return std::nullopt;
  const std::string path = trim(text.substr(2, text.size() - 3));
  if (!parse_path(path)) {
    f = {"'" + text + "' is not a variable reference", "references look like ${name}, ${a.b} or ${list[0]}"};
    return std::nullopt;
  }
  auto v = scope.find(path);
  if (!v) f = {"unknown variable '" + path + "'", scope.empty() ? "define it under vars: or in params.yaml" : "known: " + scope.known()};
  return v;
}

std::optional<std::vector<std::string>> list_items(const std::string& text, const Scope& scope, std::size_t& budget, Failure& f) {
  const auto v = whole_reference(text, scope, f);
  if (!v || !v->IsSequence()) return std::nullopt;
  std::vector<std::string> r;
  for (const YAML::Node& item : *v) {
    if (!item.IsScalar()) {
      f = {"'" + text + "' holds " + kind_of(item) + ", which cannot be a path", "a list of paths holds text only"};
      return std::nullopt;
    }
    if (item.Scalar().size() > budget) {
      f = {"the values put in by ${...} pass " + std::to_string(k_max_expanded_bytes >> 20) + " MiB in all",
           "a foreach or matrix that large is refused; split the pipeline"};
      return std::nullopt;
    }
    budget -= item.Scalar().size();
    r.push_back(item.Scalar());
  }
  return r;
}

}  // namespace mlops::pipeline::tmpl
