// SPDX-License-Identifier: MIT
#include "exp/values.hpp"

#include "core/json.hpp"
#include "core/yaml_limits.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mlops::exp {
namespace {

bool looks_json(const std::string& text, const std::string& path) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return true;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && (text[first] == '{');
}

// Keys are joined with '.', so {"a.b": 1} and {"a": {"b": 2}} would both be "a.b": refuse
// such a file rather than record one value while -S writes the other.
void flatten_json(const nlohmann::json& j, const std::string& prefix, FlatValues& out, const std::string& path) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten_json(v, prefix.empty() ? k : prefix + "." + k, out, path);
    return;
  }
  if (prefix.empty()) return;
  if (!out.emplace(prefix, j).second) {
    throw Error(ErrorKind::invalid_input, path + ": '" + prefix + "' names two values (a key with a dot and a nested key)",
                "rename one of them");
  }
}

nlohmann::json yaml_scalar(const YAML::Node& n) {
  if (n.Tag() == "!") return n.Scalar();  // quoted: always a string
  return parse_scalar(n.Scalar());
}

// YAML forbids duplicate keys, and parsers disagree on which one wins (yaml-cpp the first,
// PyYAML the last): refuse them rather than record one value while training reads another.
nlohmann::json yaml_to_json(const YAML::Node& n, const std::string& path) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return yaml_scalar(n);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : n) a.push_back(yaml_to_json(item, path));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : json_text(yaml_to_json(kv.first, path));
        if (o.contains(key)) {
          throw Error(ErrorKind::invalid_input, path + ":" + std::to_string(kv.first.Mark().line + 1) + ": duplicate key '" + key + "'");
        }
        o[key] = yaml_to_json(kv.second, path);
      }
      return o;
    }
    default: return nullptr;
  }
}

// YAML text for a value, quoted when a plain scalar would be read back differently.
std::string yaml_text(const nlohmann::json& v) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const bool control = std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (!control && parse_scalar(s) == v && !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\\") == std::string::npos &&
        s.front() != ' ' && s.back() != ' ' && s.front() != '-' && s.front() != '?') {
      return s;
    }
    return json_text(s);  // JSON string syntax is valid double-quoted YAML
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isnan(d)) return ".nan";
    if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
  }
  return json_text(v);
}

// A whole document in YAML flow style (JSON layout, YAML scalars so .inf and .nan survive).
std::string yaml_flow(const nlohmann::json& v, int indent) {
  const std::string pad(static_cast<size_t>(indent + 2), ' '), end_pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    if (v.empty()) return "{}";
    std::string out = "{\n";
    size_t i = 0;
    for (const auto& [k, x] : v.items()) {
      // YAML limits implicit keys to 1024 characters (escapes included).
      if (json_text(k).size() > 1000 || !is_valid_utf8(k)) {
        throw Error(ErrorKind::invalid_input, "a key in the params file is too long or not UTF-8; cannot rewrite it");
      }
      out += pad + json_text(k) + ": " + yaml_flow(x, indent + 2) + (++i < v.size() ? ",\n" : "\n");
    }
    return out + end_pad + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_flow(v[i], indent + 2);
    return out + "]";
  }
  if (v.is_string()) return json_text(v);  // flow context forbids more in plain scalars: always quote
  return yaml_text(v);
}

// [begin, end) byte range of a scalar node's text in `text`, from its mark.
std::pair<size_t, size_t> scalar_span(const std::string& text, const YAML::Node& n, bool in_flow) {
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
  if (in_flow) {
    for (const char stop : {',', '}', ']'}) {
      const size_t p = text.find(stop, b);
      if (p != std::string::npos && p < e) e = p;
    }
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

std::string python_json_tokens(const std::string& text) {
  // Hand-written: nlohmann::json has no option for these tokens. Strings are skipped as its
  // lexer reads them (a backslash escapes the next byte), so a token is only ever replaced
  // where a JSON value could start and nothing else could be read.
  std::string out;
  bool in_string = false;
  size_t copied = 0;
  auto boundary = [&](size_t i) { return i >= text.size() || !(std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'); };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != 'N' && c != 'I' && c != '-') continue;
    if (i > 0 && !boundary(i - 1)) continue;
    for (const char* token : {"NaN", "Infinity", "-Infinity"}) {
      const size_t n = std::char_traits<char>::length(token);
      if (text.compare(i, n, token) == 0 && boundary(i + n)) {
        out.append(text, copied, i - copied);
        out += '"';
        out += token;
        out += '"';
        copied = i + n;
        i += n - 1;
        break;
      }
    }
  }
  if (copied == 0) return text;
  out.append(text, copied, std::string::npos);
  return out;
}

std::optional<double> number_of(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (s == "NaN") return NAN;
  if (s == "Infinity") return INFINITY;
  if (s == "-Infinity") return -INFINITY;
  return std::nullopt;
}

nlohmann::json number_json(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}

nlohmann::json recordable(const nlohmann::json& v) {
  if (v.is_number_float()) return number_json(v.get<double>());
  if (v.is_array() || v.is_object()) {
    nlohmann::json out = v;
    for (auto& item : out) item = recordable(item);
    return out;
  }
  return v;
}

nlohmann::json parse_scalar(const std::string& s) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l.empty() || l == "~" || l == "null") return nullptr;
  if (l == "true" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "no" || l == "off") return false;
  if (l == ".inf" || l == "+.inf") return INFINITY;
  if (l == "-.inf") return -INFINITY;
  if (l == ".nan") return NAN;
  // Hand-rolled rather than std::regex, which recurses per character and can overflow the
  // stack on a long value.
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i == s.size() && digits > 0) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return std::strtod(s.c_str(), nullptr);
    }
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (digits + frac_digits == 0) return s;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return s;
  }
  if (i == s.size()) return std::strtod(s.c_str(), nullptr);  // overflow gives inf, like Python's float()
  return s;
}

FlatValues read_values(const std::string& text, const std::string& path) {
  FlatValues out;
  if (looks_json(text, path)) {
    const nlohmann::json j = parse_json(python_json_tokens(text), path);
    if (!j.is_object()) throw Error(ErrorKind::invalid_input, path + ": expected a JSON object");
    flatten_json(j, "", out, path);
    return out;
  }
  YAML::Node root;
  try {
    root = yaml::load(text, path);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return out;
  if (!root.IsMap()) throw Error(ErrorKind::invalid_input, path + ": expected a mapping at the top level");
  flatten_json(yaml_to_json(root, path), "", out, path);
  return out;
}

FlatValues read_values_file(const std::filesystem::path& path) {
  return read_values(fs::read_regular_file(path, k_max_project_file), path.string());
}

namespace {

std::string apply_overrides_unchecked(const std::string& text, const std::string& path, const FlatValues& overrides, bool allow_new) {
  for (const auto& [key, value] : overrides) {
    if (!is_valid_utf8(key) || (value.is_string() && !is_valid_utf8(value.get_ref<const std::string&>()))) {
      throw Error(ErrorKind::usage, "the override of '" + key + "' is not valid UTF-8");
    }
    const bool control = std::any_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (control || key.size() > 256) throw Error(ErrorKind::usage, "'" + key.substr(0, 64) + "' is not a parameter name");
    for (const auto& part : split_key(key)) {
      if (part.empty())
        throw Error(ErrorKind::usage, "'" + key + "' is not a parameter name", "nested keys are joined with single dots: model.lr");
    }
  }
  (void)read_values(text, path);  // a file the record could not read back is refused first
  if (looks_json(text, path)) {
    if (python_json_tokens(text) != text) {
      throw Error(ErrorKind::usage, path + " holds NaN or Infinity, which -S cannot write back faithfully (JSON has no such numbers)",
                  "keep such parameters in a YAML params file (.nan, .inf)");
    }
    nlohmann::json j = parse_json(text, path);
    for (const auto& [key, value] : overrides) {
      if (value.is_number_float() && !std::isfinite(value.get<double>())) {
        throw Error(ErrorKind::usage, "JSON cannot hold '" + key + "' = " + yaml_text(value), "use a finite number");
      }
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
    return json_text(j, 2) + "\n";
  }

  YAML::Node root;
  try {
    root = yaml::load(text, path);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() && !root.IsNull()) throw Error(ErrorKind::invalid_input, path + ": expected a mapping at the top level");
  (void)yaml_to_json(root, path);  // refuses duplicate keys before anything is edited
  // Replace existing scalars right to left in the text so earlier offsets stay valid.
  std::vector<std::pair<std::pair<size_t, size_t>, std::string>> edits;
  std::vector<std::pair<std::string, nlohmann::json>> added;
  for (const auto& [key, value] : overrides) {
    YAML::Node cur = root;
    const auto parts = split_key(key);
    bool found = root.IsMap();
    bool in_flow = false;
    for (size_t i = 0; found && i < parts.size(); ++i) {
      if (!cur.IsMap() || !cur[parts[i]]) {
        found = false;
        break;
      }
      in_flow = in_flow || cur.Style() == YAML::EmitterStyle::Flow;
      cur.reset(cur[parts[i]]);  // not `cur = ...`: Node assignment writes through to the document
    }
    if (found && !cur.IsScalar() && !cur.IsNull()) {
      throw Error(ErrorKind::usage, path + ": '" + key + "' is a " + (cur.IsMap() ? "mapping" : "list") + ", not a single value");
    }
    if (found && cur.IsScalar()) {
      edits.push_back({scalar_span(text, cur, in_flow), yaml_text(value)});
    } else if (!allow_new) {
      throw Error(ErrorKind::usage, path + " has no parameter '" + key + "'", "check the name, or pass --new-keys to add it");
    } else {
      added.emplace_back(key, value);
    }
  }
  std::sort(edits.begin(), edits.end(), [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
  std::string out = text;
  for (const auto& [span, replacement] : edits) out.replace(span.first, span.second - span.first, replacement);
  // Editing in place keeps the user's comments and layout, but YAML has corners (multi-line
  // plain scalars, odd quoting) where a textual edit is wrong: check that the file now reads
  // as intended, and rewrite it whole when it does not.
  if (added.empty()) {
    bool ok = true;
    try {
      FlatValues expect = read_values(text, path);
      for (const auto& [k, v] : overrides) expect[k] = v;
      const FlatValues got = read_values(out, path);
      ok = got.size() == expect.size();
      for (auto it = got.begin(); ok && it != got.end(); ++it) {
        auto e = expect.find(it->first);
        ok = e != expect.end() && (e->second == it->second || (e->second.is_number() && it->second.is_number() &&
                                                               e->second.get<double>() == it->second.get<double>()));
      }
    } catch (const Error&) {
      ok = false;
    }
    if (ok) return out;
    for (const auto& [key, value] : overrides) added.emplace_back(key, value);
    out = text;
  }

  // New keys: rewrite the document as JSON, which YAML parsers read as flow style. The run's
  // copy loses comments and layout, but every value keeps exactly the type it is read with.
  nlohmann::json doc = nlohmann::json::object();
  if (!out.empty()) {
    const YAML::Node parsed = yaml::load(out, path);
    if (parsed.IsMap()) doc = yaml_to_json(parsed, path);
  }
  for (const auto& [key, value] : added) {
    nlohmann::json* cur = &doc;
    const auto parts = split_key(key);
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      nlohmann::json& next = (*cur)[parts[i]];
      if (next.is_null()) next = nlohmann::json::object();
      if (!next.is_object()) throw Error(ErrorKind::usage, path + ": '" + key + "' goes through a value that is not a mapping");
      cur = &next;
    }
    (*cur)[parts.back()] = value;
  }
  return "# rewritten by mlops exp run\n" + yaml_flow(doc, 0) + "\n";
}

}  // namespace

std::string apply_overrides(const std::string& text, const std::string& path, const FlatValues& overrides, bool allow_new) {
  std::string out = apply_overrides_unchecked(text, path, overrides, allow_new);
  try {
    (void)read_values(out, path);  // e.g. a new nested key next to a dotted one of the same name
  } catch (const Error& e) {
    throw Error(ErrorKind::usage, "the overrides would make " + path + " unreadable: " + e.what());
  }
  return out;
}

}  // namespace mlops::exp
