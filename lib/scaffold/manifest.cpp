// SPDX-License-Identifier: MIT
#include "scaffold/names.hpp"

#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <yaml-cpp/yaml.h>
#include "core/yaml_limits.hpp"

#include <regex>
#include <set>

namespace mlops::scaffold {
namespace {

constexpr size_t k_max_regex = 1000;

class Parser {
 public:
  explicit Parser(std::string origin) : m_origin(std::move(origin)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    fail_line(line, what);
  }
  [[noreturn]] void fail_line(int line, const std::string& what) const {
    throw Error(ErrorKind::invalid_input, m_origin + (line > 0 ? ":" + std::to_string(line) : "") + ": " + printable(what),
                "see docs/formats.md, \"Template manifest\"");
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, "'" + key + "' must be a string");
    return text(n, key);
  }

  // Every string of a manifest is shown on a terminal somewhere (template show, prompts,
  // hook commands, messages): control characters other than tab and line breaks could
  // rewrite what the user reads, so they are refused.
  std::string text(const YAML::Node& n, const std::string& key) const {
    const std::string& s = n.Scalar();
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      const bool line_break = c == '\n' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n');
      if ((c < 0x20 && c != '\t' && !line_break) || c == 0x7f)
        fail(n, "'" + key + "' holds a control character (" + printable(s.substr(i, 1)) + ")");
    }
    return s;
  }

  std::vector<std::string> string_list(const YAML::Node& n, const std::string& key) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {text(n, key)};
    if (!n.IsSequence()) fail(n, "'" + key + "' must be a list of strings");
    for (const auto& item : n) out.push_back(scalar(item, key));
    return out;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) fail(n, "'" + key + "' must be true or false");
    return b;
  }

  std::int64_t integer(const YAML::Node& n, const std::string& key) const {
    if (n.IsScalar()) {
      try {
        size_t used = 0;
        const long long v = std::stoll(n.Scalar(), &used);
        if (used == n.Scalar().size()) return v;
      } catch (const std::exception&) {
      }
    }
    fail(n, "'" + key + "' must be an integer");
  }

  void only_keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const std::string& where) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) fail(kv.first, "unknown key '" + key + "' in " + where);
    }
  }

  Question question(const YAML::Node& n) const {
    if (!n.IsMap()) fail(n, "each question must be a mapping with at least 'name'");
    only_keys(n, {"name", "type", "prompt", "help", "default", "choices", "validate", "when", "secret"}, "a question");
    Question q;
    q.line = n.Mark().line + 1;
    if (!n["name"]) fail(n, "a question has no 'name'");
    q.name = scalar(n["name"], "name");
    if (!is_identifier(q.name)) fail(n["name"], "question name '" + q.name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
    if (is_reserved_name(q.name)) fail(n["name"], "question name '" + q.name + "' is reserved for a built-in");
    const std::string type = n["type"] ? scalar(n["type"], "type") : "string";
    if (type == "string" || type == "str") q.type = QuestionType::string;
    else if (type == "int" || type == "integer") q.type = QuestionType::integer;
    else if (type == "bool" || type == "boolean") q.type = QuestionType::boolean;
    else if (type == "choice") q.type = QuestionType::choice;
    else if (type == "multichoice") q.type = QuestionType::multichoice;
    else fail(n["type"], "unknown question type '" + type + "' (string, int, bool, choice, multichoice)");
    q.prompt = n["prompt"] ? scalar(n["prompt"], "prompt") : q.name;
    q.help = n["help"] ? scalar(n["help"], "help") : "";
    q.secret = n["secret"] ? boolean(n["secret"], "secret") : false;
    if (q.secret && q.type != QuestionType::string) fail(n["secret"], "only string questions can be secret");

    if (const auto c = n["choices"]) {
      if (!c.IsSequence() || c.size() == 0) fail(c, "'choices' must be a non-empty list");
      for (const auto& item : c) {
        Choice ch;
        if (item.IsMap()) {
          only_keys(item, {"value", "label"}, "a choice");
          if (!item["value"]) fail(item, "a choice has no 'value'");
          ch.value = scalar(item["value"], "value");
          ch.label = item["label"] ? scalar(item["label"], "label") : ch.value;
        } else {
          ch.value = ch.label = scalar(item, "choices");
        }
        for (const auto& prev : q.choices) {
          if (prev.value == ch.value) fail(item, "choice '" + ch.value + "' is listed twice");
        }
        q.choices.push_back(std::move(ch));
      }
    }
    const bool needs_choices = q.type == QuestionType::choice || q.type == QuestionType::multichoice;
    if (needs_choices && q.choices.empty()) fail(n, "question '" + q.name + "' of type " + type + " needs 'choices'");
    if (!needs_choices && !q.choices.empty()) fail(n["choices"], "'choices' only applies to choice and multichoice questions");

    if (const auto d = n["default"]) {
      q.has_default = true;
      if (d.IsNull()) {
        q.default_values = {};
        if (q.type != QuestionType::multichoice) q.default_values = {""};
      } else if (q.type == QuestionType::multichoice) {
        q.default_values = string_list(d, "default");
      } else {
        q.default_values = {scalar(d, "default")};
      }
    }
    if (const auto v = n["validate"]) {
      if (!v.IsMap()) fail(v, "'validate' must be a mapping (regex, message, min, max)");
      only_keys(v, {"regex", "message", "min", "max"}, "'validate'");
      if (v["regex"]) {
        q.regex = scalar(v["regex"], "regex");
        // std::regex compiles and matches recursively: a huge pattern overflows the stack.
        if (q.regex.size() > k_max_regex) fail(v["regex"], "the regex is longer than " + std::to_string(k_max_regex) + " characters");
        try {
          std::regex re(q.regex, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          fail(v["regex"], "invalid regex '" + q.regex + "': " + e.what());
        }
      }
      if (v["message"]) q.regex_message = scalar(v["message"], "message");
      if (v["min"]) q.min = integer(v["min"], "min");
      if (v["max"]) q.max = integer(v["max"], "max");
      if ((q.min || q.max) && q.type != QuestionType::integer) fail(v, "'min' and 'max' apply to int questions only");
      if (q.min && q.max && *q.min > *q.max) fail(v, "'min' is greater than 'max'");
    }
    if (const auto w = n["when"]) {
      q.when = scalar(w, "when");  // "true"/"false" literals are handled where it is evaluated
      if (q.when.empty()) fail(w, "'when' is empty");
    }
    return q;
  }

  std::vector<Hook> hooks(const YAML::Node& n, const std::string& key) const {
    std::vector<Hook> out;
    if (!n.IsSequence()) fail(n, "'" + key + "' must be a list of commands");
    for (const auto& item : n) {
      Hook h;
      if (item.IsScalar()) {
        h.argv = {"/bin/sh", "-c", text(item, key)};
      } else {
        h.argv = string_list(item, key);
        if (h.argv.empty() || h.argv[0].empty()) fail(item, "a hook command is empty");
      }
      out.push_back(std::move(h));
    }
    return out;
  }

  Manifest parse(const std::string& text) const {
    YAML::Node root;
    try {
      root = yaml::load(text, m_origin);
    } catch (const YAML::Exception& e) {
      fail_line(e.mark.line >= 0 ? e.mark.line + 1 : 0, "invalid YAML: " + e.msg);
    }
    if (!root.IsMap()) fail_line(1, "the manifest must be a YAML mapping");
    only_keys(root,
              {"schema", "name", "version", "summary", "description", "delimiters", "files", "copy_without_render", "exclude", "questions",
               "message_after", "hooks"},
              "the manifest");
    Manifest m;
    if (root["schema"]) {
      m.schema = static_cast<int>(integer(root["schema"], "schema"));
      if (m.schema != 1) fail(root["schema"], "schema " + std::to_string(m.schema) + " is not supported by this mlops (it reads schema 1)");
    }
    if (!root["name"]) fail_line(1, "the manifest has no 'name'");
    m.name = scalar(root["name"], "name");
    if (!is_template_name(m.name)) fail(root["name"], "template name '" + m.name + "' must match [a-z0-9][a-z0-9._-]*");
    if (root["version"]) m.version = scalar(root["version"], "version");
    if (root["summary"]) m.summary = scalar(root["summary"], "summary");
    if (root["description"]) m.description = scalar(root["description"], "description");
    if (const auto d = root["delimiters"]) {
      const auto pair = string_list(d, "delimiters");
      if (pair.size() != 2) fail(d, "'delimiters' must be a list of two strings, e.g. [\"[[\", \"]]\"]");
      for (const auto& s : pair) {
        if (s.empty() || s.find_first_of(" \t\r\n=") != std::string::npos) {
          fail(d, "delimiter '" + s + "' must be non-empty, without spaces or '='");
        }
      }
      m.open_delimiter = pair[0];
      m.close_delimiter = pair[1];
    }
    if (root["files"]) {
      m.files_dir = scalar(root["files"], "files");
      if (!is_safe_relative_path(m.files_dir)) fail(root["files"], "'files' must be a relative path inside the template");
    }
    if (root["copy_without_render"]) m.copy_without_render = string_list(root["copy_without_render"], "copy_without_render");
    if (root["exclude"]) m.exclude = string_list(root["exclude"], "exclude");
    if (root["message_after"]) m.message_after = scalar(root["message_after"], "message_after");
    if (const auto h = root["hooks"]) {
      if (!h.IsMap()) fail(h, "'hooks' must be a mapping (pre_generate, post_generate)");
      only_keys(h, {"pre_generate", "post_generate"}, "'hooks'");
      if (h["pre_generate"]) m.pre_generate = hooks(h["pre_generate"], "pre_generate");
      if (h["post_generate"]) m.post_generate = hooks(h["post_generate"], "post_generate");
    }
    if (const auto qs = root["questions"]) {
      if (!qs.IsSequence()) fail(qs, "'questions' must be a list");
      std::set<std::string> names;
      for (const auto& qn : qs) {
        Question q = question(qn);
        if (!names.insert(q.name).second) fail(qn["name"], "question '" + q.name + "' is defined twice");
        m.questions.push_back(std::move(q));
      }
      for (const auto& q : m.questions) {
        for (const auto& derived : derived_names(q)) {
          if (names.count(derived)) fail_line(q.line, "question name '" + derived + "' clashes with a name derived from '" + q.name + "'");
        }
      }
    }
    return m;
  }

 private:
  std::string m_origin;
};

}  // namespace

const char* to_string(QuestionType t) noexcept {
  switch (t) {
    case QuestionType::string: return "string";
    case QuestionType::integer: return "int";
    case QuestionType::boolean: return "bool";
    case QuestionType::choice: return "choice";
    case QuestionType::multichoice: return "multichoice";
  }
  return "string";
}

Manifest parse_manifest(const std::string& yaml, const std::string& origin) { return Parser(origin).parse(yaml); }

}  // namespace mlops::scaffold
