// SPDX-License-Identifier: MIT
#include "exp/values.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <regex>

namespace mlops::exp {
namespace {

bool looks_json(const std::string& text, const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return true;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (text[first] == '{');
}

void flatten_json(const nlohmann::json& j, const std::string& prefix, FlatValues& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten_json(v, prefix.empty() ? k : prefix + "." + k, out);
    return;
  }
  if (!prefix.empty()) out[prefix] = j;
}

nlohmann::json yaml_scalar(const YAML::Node& n) {
  if (n.Tag() == "!") return n.Scalar();  // quoted: always a string
  return parse_scalar(n.Scalar());
}

nlohmann::json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return yaml_scalar(n);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : n) a.push_back(yaml_to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.Scalar()] = yaml_to_json(kv.second);
      return o;
    }
    default: return nullptr;
  }
}

// YAML text for a value, quoted when a plain scalar would be read back differently.
std::string yaml_text(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (parse_scalar(s) == v && !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\n") == std::string::npos &&
        s.front() != ' ' && s.back() != ' ' && s.front() != '-' && s.front() != '?') {
      return s;
    }
    return nlohmann::json(s).dump();  // JSON string syntax is valid double-quoted YAML
  }
  return v.dump();
}

// [begin, end) byte range of a scalar node's text in `text`, from its mark.
std::pair<size_t, size_t> scalar_span(const std::string& text, const YAML::Node& n) {
  const size_t b = static_cast<size_t>(n.Mark().pos);
  if (b >= text.size()) return {b, b};
  const char q = text[b];
  if (q == '"' || q == '\'') {
    size_t i = b + 1;
    while (i < text.size()) {
      if (q == '"' && text[i] == '\\') {
        i += 2;
        continue;
      }
      if (text[i] == q) {
        if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {  // '' escapes a quote
          i += 2;
          continue;
        }
        return {b, i + 1};
      }
      ++i;
    }
    return {b, text.size()};
  }
  size_t e = text.find('\n', b);
  if (e == std::string::npos) e = text.size();
  const size_t comment = text.find(" #", b);
  if (comment != std::string::npos && comment < e) e = comment;
  for (const char stop : {',', '}', ']'}) {  // inside a flow collection
    const size_t p = text.find(stop, b);
    if (p != std::string::npos && p < e) e = p;
  }
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
  return {b, e};
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

}  // namespace

nlohmann::json parse_scalar(const std::string& s) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l.empty() || l == "~" || l == "null") return nullptr;
  if (l == "true" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "no" || l == "off") return false;
  if (l == ".inf" || l == "+.inf") return INFINITY;
  if (l == "-.inf") return -INFINITY;
  if (l == ".nan") return NAN;
  static const std::regex k_int("[-+]?[0-9]+");
  static const std::regex k_float("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, k_int)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return std::stod(s);
    }
  }
  if (std::regex_match(s, k_float)) return std::stod(s);
  return s;
}

FlatValues read_values(const std::string& text, const std::string& path) {
  FlatValues out;
  if (looks_json(text, path)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(ErrorKind::invalid_input, path + ": invalid JSON: " + e.what());
    }
    if (!j.is_object()) throw Error(ErrorKind::invalid_input, path + ": expected a JSON object");
    flatten_json(j, "", out);
    return out;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return out;
  if (!root.IsMap()) throw Error(ErrorKind::invalid_input, path + ": expected a mapping at the top level");
  flatten_json(yaml_to_json(root), "", out);
  return out;
}

FlatValues read_values_file(const std::filesystem::path& path) { return read_values(fs::read_file(path), path.string()); }

std::string apply_overrides(const std::string& text, const std::string& path, const FlatValues& overrides, bool allow_new) {
  if (looks_json(text, path)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(ErrorKind::invalid_input, path + ": invalid JSON: " + e.what());
    }
    for (const auto& [key, value] : overrides) {
      nlohmann::json* cur = &j;
      const auto parts = split_key(key);
      for (size_t i = 0; i < parts.size(); ++i) {
        const bool last = i + 1 == parts.size();
        if (!cur->is_object()) throw Error(ErrorKind::usage, path + ": '" + key + "' goes through a value that is not a mapping");
        if (!cur->contains(parts[i]) && !allow_new) {
          throw Error(ErrorKind::usage, path + " has no parameter '" + key + "'", "check the name, or pass --new-keys to add it");
        }
        cur = &(*cur)[parts[i]];
        if (last) *cur = value;
      }
    }
    return j.dump(2) + "\n";
  }

  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() && !root.IsNull()) throw Error(ErrorKind::invalid_input, path + ": expected a mapping at the top level");
  // Replace existing scalars right to left in the text so earlier offsets stay valid.
  std::vector<std::pair<std::pair<size_t, size_t>, std::string>> edits;
  std::vector<std::pair<std::string, nlohmann::json>> added;
  for (const auto& [key, value] : overrides) {
    YAML::Node cur = root;
    const auto parts = split_key(key);
    bool found = root.IsMap();
    for (size_t i = 0; found && i < parts.size(); ++i) {
      if (!cur.IsMap() || !cur[parts[i]]) {
        found = false;
        break;
      }
      cur.reset(cur[parts[i]]);  // not `cur = ...`: Node assignment writes through to the document
    }
    if (found && !cur.IsScalar() && !cur.IsNull()) {
      throw Error(ErrorKind::usage, path + ": '" + key + "' is a " + (cur.IsMap() ? "mapping" : "list") + ", not a single value");
    }
    if (found && cur.IsScalar()) {
      edits.push_back({scalar_span(text, cur), yaml_text(value)});
    } else if (!allow_new) {
      throw Error(ErrorKind::usage, path + " has no parameter '" + key + "'", "check the name, or pass --new-keys to add it");
    } else {
      added.emplace_back(key, value);
    }
  }
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
  std::string out = text;
  for (const auto& [span, replacement] : edits) out.replace(span.first, span.second - span.first, replacement);
  if (added.empty()) return out;

  // New keys: re-emit the document (comments are lost, but only in the run's copy).
  YAML::Node doc = out.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(out);
  for (const auto& [key, value] : added) {
    const auto parts = split_key(key);
    std::vector<YAML::Node> chain{doc};
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = chain.back()[parts[i]];
      if (next.IsDefined() && !next.IsMap() && !next.IsNull()) {
        throw Error(ErrorKind::usage, path + ": '" + key + "' goes through a value that is not a mapping");
      }
      chain.push_back(next);
    }
    chain.back()[parts.back()] = YAML::Load(yaml_text(value));
  }
  YAML::Emitter e;
  e << doc;
  return std::string(e.c_str()) + "\n";
}

}  // namespace mlops::exp
