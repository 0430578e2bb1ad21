// SPDX-License-Identifier: MIT
#include "scaffold/names.hpp"
#include "scaffold/render.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/scaffold.hpp>
#include "core/log.hpp"

#include "git/repo.hpp"

#include <yaml-cpp/yaml.h>
#include "core/yaml_limits.hpp"

#include <algorithm>
#include <ctime>
#include <regex>

namespace mlops::scaffold {
namespace {

constexpr size_t k_max_answer = 10000;

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string choice_values(const Question& q) {
  std::vector<std::string> v;
  for (const auto& c : q.choices) v.push_back(c.value);
  return join(v, ", ");
}

// Parses and validates one raw answer; returns the problem in `problem` instead of throwing,
// because callers either re-prompt or collect every problem before failing. A problem never
// quotes a secret answer.
std::optional<Value> parse_value(const Question& q, const std::vector<std::string>& raw, std::string& problem, bool allow_index) {
  auto quoted = [&](const std::string& v) { return q.secret ? std::string("the (secret) value") : "'" + v + "'"; };
  auto single = [&]() -> std::optional<std::string> {
    if (raw.size() != 1) {
      problem = "expects one value, got " + std::to_string(raw.size());
      return std::nullopt;
    }
    return raw[0];
  };
  switch (q.type) {
    case QuestionType::string: {
      auto s = single();
      if (!s) return std::nullopt;
      if (s->size() > k_max_answer) {  // also keeps std::regex's recursion off a huge input
        problem = "longer than " + std::to_string(k_max_answer) + " characters";
        return std::nullopt;
      }
      if (!q.regex.empty() && !std::regex_match(*s, std::regex(q.regex, std::regex::ECMAScript))) {
        problem = q.regex_message.empty() ? quoted(*s) + " does not match " + q.regex : q.regex_message;
        return std::nullopt;
      }
      return Value(*s);
    }
    case QuestionType::integer: {
      auto s = single();
      if (!s) return std::nullopt;
      std::int64_t v = 0;
      try {
        size_t used = 0;
        v = std::stoll(*s, &used);
        if (used != s->size()) throw std::invalid_argument("trailing characters");
      } catch (const std::exception&) {
        problem = quoted(*s) + " is not an integer";
        return std::nullopt;
      }
      if ((q.min && v < *q.min) || (q.max && v > *q.max)) {
        problem = (q.secret ? quoted(*s) : std::to_string(v)) + " is out of range" + (q.min ? " min " + std::to_string(*q.min) : "") +
                  (q.max ? " max " + std::to_string(*q.max) : "");
        return std::nullopt;
      }
      return Value(v);
    }
    case QuestionType::boolean: {
      auto s = single();
      if (!s) return std::nullopt;
      const std::string l = lowercase(*s);
      if (l == "y" || l == "yes" || l == "true" || l == "1" || l == "on") return Value(true);
      if (l == "n" || l == "no" || l == "false" || l == "0" || l == "off") return Value(false);
      problem = quoted(*s) + " is not yes or no";
      return std::nullopt;
    }
    case QuestionType::choice: {
      auto s = single();
      if (!s) return std::nullopt;
      for (const auto& c : q.choices) {
        if (c.value == *s) return Value(c.value);
      }
      if (allow_index) {
        try {
          size_t used = 0;
          const long n = std::stol(*s, &used);
          if (used == s->size() && n >= 1 && static_cast<size_t>(n) <= q.choices.size())
            return Value(q.choices[static_cast<size_t>(n - 1)].value);
        } catch (const std::exception&) {
        }
      }
      problem = quoted(*s) + " is not one of: " + choice_values(q);
      return std::nullopt;
    }
    case QuestionType::multichoice: {
      std::vector<std::string> out;
      for (const auto& item : raw) {
        if (item.empty()) continue;
        bool ok = false;
        for (const auto& c : q.choices) ok = ok || c.value == item;
        if (!ok) {
          problem = quoted(item) + " is not one of: " + choice_values(q);
          return std::nullopt;
        }
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
      }
      return Value(out);
    }
  }
  return std::nullopt;
}

Value zero_value(const Question& q) {
  switch (q.type) {
    case QuestionType::integer: return Value(std::int64_t{0});
    case QuestionType::boolean: return Value(false);
    case QuestionType::multichoice: return Value(std::vector<std::string>{});
    case QuestionType::choice: return Value(q.choices.front().value);
    case QuestionType::string: break;
  }
  return Value(std::string());
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string to_display(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "yes" : "no";
  return join(std::get<std::vector<std::string>>(v), ",");
}

const Value* Answers::find(const std::string& name) const {
  for (const auto& [n, v] : values) {
    if (n == name) return &v;
  }
  return nullptr;
}

Builtins make_builtins(const std::filesystem::path& target) {
  Builtins b;
  if (target.empty()) throw Error(ErrorKind::usage, "the target directory is empty", "give a directory, or '.' for the current one");
  std::filesystem::path abs = std::filesystem::absolute(target).lexically_normal();
  if (!abs.has_filename()) abs = abs.parent_path();
  b.dir_name = abs.filename().string();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  b.year = std::to_string(tm.tm_year + 1900);
  try {
    const auto id = git::configured_identity();
    b.git_user_name = id.name;
    b.git_user_email = id.email;
  } catch (const Error& e) {
    log::debug("no git identity for templates: {}", e.what());
  }
  return b;
}

std::pair<std::string, std::string> parse_assignment(const std::string& text) {
  // The text is not echoed: without its key, it may be a secret answer's value.
  const size_t eq = text.find('=');
  if (eq == std::string::npos)
    throw Error(ErrorKind::usage, "expected KEY=VALUE, got an answer without '='", "for example --set project_name=demo");
  if (eq == 0)
    throw Error(ErrorKind::usage, "expected KEY=VALUE, got an answer without a KEY before '='", "for example --set project_name=demo");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

// `template:` of an .mlops/answers.yaml (docs/formats.md); absent or not a mapping: none.
std::optional<RecordedTemplate> recorded_template(const YAML::Node& t, const std::filesystem::path& path) {
  if (!t || !t.IsMap()) return std::nullopt;
  const int line = t.Mark().line + 1;
  auto field = [&](const char* key) -> std::string {
    const YAML::Node v = t[key];
    if (!v || v.IsNull()) return {};
    if (!v.IsScalar())
      throw Error(ErrorKind::invalid_input,
                  path.string() + ":" + std::to_string(v.Mark().line + 1) + ": 'template." + key + "' must be a string");
    return v.Scalar();
  };
  RecordedTemplate r;
  r.name = field("name");
  r.version = field("version");
  const std::string source = field("source");
  if (source.empty() && field("location").empty()) {
    log::warn("{}:{}: the template record has no source or location; it is not used", path.string(), line);
    return std::nullopt;
  }
  if (source == "builtin") r.origin.kind = TemplateOrigin::Kind::builtin;
  else if (source == "path") r.origin.kind = TemplateOrigin::Kind::path;
  else if (source == "git") r.origin.kind = TemplateOrigin::Kind::git;
  else
    throw Error(ErrorKind::invalid_input, path.string() + ":" + std::to_string(line) + ": 'template.source' must be builtin, path or git");
  r.origin.location = field("location");
  if (r.origin.location.empty())
    throw Error(ErrorKind::invalid_input, path.string() + ":" + std::to_string(line) + ": 'template.location' is missing");
  r.origin.spec = r.origin.location;
  r.origin.ref = field("ref");
  r.origin.commit = field("commit");
  return r;
}

}  // namespace

AnswersFile load_answers_file(const std::filesystem::path& path) {
  // A pipe is welcome (--answers <(...)), a file without end is not.
  const std::string text = fs::read_file(path, yaml::Limits{}.max_bytes + 1);
  YAML::Node root;
  try {
    root = yaml::load(text, path.string());
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, path.string() + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  AnswersFile file;
  if (root.IsMap() && root["answers"] && root["answers"].IsMap()) {
    file.recorded = recorded_template(root["template"], path);
    root = root["answers"];
  }
  if (!root.IsMap()) throw Error(ErrorKind::invalid_input, path.string() + ": expected a mapping of answers");
  auto& out = file.answers;
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const int line = kv.first.Mark().line + 1;
    if (!is_identifier(key))
      throw Error(ErrorKind::invalid_input,
                  path.string() + ":" + std::to_string(line) + ": '" + printable(key) + "' is not an answer name");
    std::vector<std::string> vals;
    if (kv.second.IsScalar()) {
      vals.push_back(kv.second.Scalar());
    } else if (kv.second.IsSequence()) {
      for (const auto& item : kv.second) {
        if (!item.IsScalar())
          throw Error(ErrorKind::invalid_input,
                      path.string() + ":" + std::to_string(line) + ": '" + key + "' must be a scalar or a list of scalars");
        vals.push_back(item.Scalar());
      }
    } else if (kv.second.IsNull()) {
      vals.push_back("");
    } else {
      throw Error(ErrorKind::invalid_input,
                  path.string() + ":" + std::to_string(line) + ": '" + key + "' must be a scalar or a list of scalars");
    }
    out[key] = std::move(vals);
  }
  return file;
}

std::map<std::string, std::vector<std::string>> read_answers_file(const std::filesystem::path& path) {
  return load_answers_file(path).answers;
}

Answers resolve_answers(const Template& tpl, const Builtins& builtins, const AnswerSources& sources) {
  const Manifest& m = tpl.manifest;
  const std::string origin = tpl.origin.location + "/mlops-template.yaml";
  for (const auto& entry : sources.set) {
    const std::string& name = entry.first;  // clang < 16 cannot capture a structured binding
    const bool known = std::any_of(m.questions.begin(), m.questions.end(), [&](const Question& q) { return q.name == name; });
    if (!known) {
      std::vector<std::string> names;
      for (const auto& q : m.questions) names.push_back(q.name);
      throw Error(ErrorKind::usage, "template '" + m.name + "' has no question '" + name + "'",
                  names.empty() ? "it asks nothing" : "it asks: " + join(names, ", "));
    }
  }
  for (const auto& entry : sources.file) {
    const std::string& name = entry.first;  // clang < 16 cannot capture a structured binding
    const bool known = std::any_of(m.questions.begin(), m.questions.end(), [&](const Question& q) { return q.name == name; });
    if (!known) log::warn("ignoring answer '{}': template '{}' has no such question", name, m.name);
  }

  Renderer r(m.open_delimiter, m.close_delimiter);
  r.add_builtins(builtins, m);
  Answers out;
  std::vector<std::string> missing, invalid;
  bool invalid_on_command_line = false;

  for (const auto& q : m.questions) {
    check_interrupted();
    const std::string where = origin + ":" + std::to_string(q.line);
    std::optional<Value> def;
    if (q.has_default) {
      std::vector<std::string> rendered;
      for (const auto& d : q.default_values) rendered.push_back(r.render(d, where));
      if (q.type == QuestionType::multichoice && rendered.size() == 1 && rendered[0].find(',') != std::string::npos) {
        rendered = split_list(rendered[0]);
      }
      std::string problem;
      def = parse_value(q, rendered, problem, false);
      if (!def) throw Error(ErrorKind::invalid_input, where + ": the default of '" + q.name + "' is invalid: " + problem);
    }

    auto given = sources.set.find(q.name);
    const bool from_set = given != sources.set.end();
    if (!from_set) given = sources.file.find(q.name);
    const bool has_given = from_set || given != sources.file.end();

    std::optional<Value> value;
    if (!r.truthy(q.when, where)) {
      value = def ? *def : zero_value(q);
      out.skipped.push_back(q.name);
    } else if (has_given) {
      std::vector<std::string> raw = given->second;
      if (q.type == QuestionType::multichoice && raw.size() == 1) raw = split_list(raw[0]);
      std::string problem;
      value = parse_value(q, raw, problem, false);
      if (!value) {
        invalid.push_back(q.name + ": " + problem);
        invalid_on_command_line = invalid_on_command_line || from_set;
        value = def ? *def : zero_value(q);
      }
    } else if (sources.prompter != nullptr && !(sources.use_defaults && def)) {
      std::string problem;
      for (;;) {
        const std::string input = sources.prompter->ask(q, def ? to_display(*def) : "", problem);
        check_interrupted();
        if (input.empty() && def) {
          value = def;
          break;
        }
        if (input.empty() && q.type != QuestionType::multichoice) {
          problem = "a value is required";
          continue;
        }
        if (input == "-" && q.type == QuestionType::multichoice) {  // explicitly none
          value = Value(std::vector<std::string>{});
          break;
        }
        value = parse_value(q, q.type == QuestionType::multichoice ? split_list(input) : std::vector<std::string>{input}, problem, true);
        if (value) break;
      }
    } else if (def) {
      value = def;
    } else {
      missing.push_back(q.name);
      value = zero_value(q);
    }

    if (q.secret) {
      out.secrets.push_back(q.name);
      r.add_secret(q.name);
    } else {
      r.set(q, *value);
    }
    out.values.emplace_back(q.name, std::move(*value));
  }

  if (!invalid.empty()) {
    // A mistake typed in --set is a usage error like an unknown --set key; one read from an
    // answers file is bad input data.
    throw Error(invalid_on_command_line ? ErrorKind::usage : ErrorKind::invalid_input, "invalid answers: " + join(invalid, "; "),
                missing.empty() ? "" : "also missing: " + join(missing, ", "));
  }
  if (!missing.empty()) {
    std::string hint = "give them with";
    for (const auto& n : missing) hint += " --set " + n + "=...";
    throw Error(ErrorKind::usage, "missing answers (no terminal to ask on): " + join(missing, ", "), hint + ", or --answers FILE");
  }
  return out;
}

}  // namespace mlops::scaffold
