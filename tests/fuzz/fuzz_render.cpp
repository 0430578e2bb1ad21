// SPDX-License-Identifier: MIT
// The Mustache renderer sees every file and file name of a template, and `when` conditions.
// Input: one byte choosing the delimiters ({{ }}, [[ ]], <% %>, or custom ones given on the
// first line as "OPEN CLOSE"), then the template text. Only mlops::Error may escape.
#include "scaffold/names.hpp"
#include "scaffold/render.hpp"

#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_render: invariant violated: %s\n", what);
  std::abort();
}

Question question(const std::string& name, QuestionType type, std::initializer_list<const char*> choices = {}) {
  Question q;
  q.name = name;
  q.type = type;
  for (const char* c : choices) q.choices.push_back({c, c});
  return q;
}

// The same rule parse_manifest applies to `delimiters`.
bool valid_delimiter(const std::string& s) { return !s.empty() && s.find_first_of(" \t\r\n=") == std::string::npos; }

void populate(Renderer& r) {
  Builtins b{"my-project", "2024", "Fuzz Er", "fuzz@example.com"};
  Manifest m;
  m.name = "fuzz";
  m.version = "1.0.0";
  r.add_builtins(b, m);
  r.set(question("project_name", QuestionType::string), Value(std::string("My ML-project 2")));
  r.set(question("empty", QuestionType::string), Value(std::string()));
  r.set(question("path", QuestionType::string), Value(std::string("a/../b")));
  r.set(question("epochs", QuestionType::integer), Value(std::int64_t{-42}));
  r.set(question("gpu", QuestionType::boolean), Value(true));
  r.set(question("notebooks", QuestionType::boolean), Value(false));
  r.set(question("framework", QuestionType::choice, {"sklearn", "pytorch", "3.11"}), Value(std::string("3.11")));
  r.set(question("ci", QuestionType::multichoice, {"github", "gitlab"}), Value(std::vector<std::string>{"github"}));
  r.set(question("extras", QuestionType::multichoice, {"a", "b"}), Value(std::vector<std::string>{}));
  r.add_secret("token");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string open = "{{", close = "}}";
  switch (data[0] % 4) {
    case 0: break;
    case 1:
      open = "[[";
      close = "]]";
      break;
    case 2:
      open = "<%";
      close = "%>";
      break;
    default: {
      const size_t nl = text.find('\n');
      const std::string line = text.substr(0, nl);
      const size_t sp = line.find(' ');
      if (nl == std::string::npos || sp == std::string::npos) return 0;
      open = line.substr(0, sp);
      close = line.substr(sp + 1);
      if (!valid_delimiter(open) || !valid_delimiter(close)) return 0;
      text.erase(0, nl + 1);
    }
  }
  Renderer r(open, close);
  populate(r);

  try {
    const std::string out = r.render(text, "fuzz");
    if (text.find(open) == std::string::npos && out != text) violated("text without tags was changed");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("render: error kind is not invalid_input");
  }

  // `when` conditions are single lines: a name, !name, or a Mustache string.
  const std::string when = text.substr(0, text.find('\n'));
  try {
    const bool v = r.truthy(when, "fuzz");
    if (when.size() > 1 && when[0] == '!' && is_identifier(when.substr(1))) {
      // !name is the negation of name when both are defined.
      try {
        if (r.truthy(when.substr(1), "fuzz") == v) violated("truthy(!x) == truthy(x)");
      } catch (const Error&) {
      }
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) violated("truthy: error kind is not invalid_input");
  }
  return 0;
}
