// SPDX-License-Identifier: MIT
#include "scaffold/render.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

Question choice_question(const std::string& name, std::vector<std::string> values) {
  Question q;
  q.name = name;
  q.type = QuestionType::choice;
  for (auto& v : values) q.choices.push_back({v, v});
  return q;
}

Question string_question(const std::string& name) {
  Question q;
  q.name = name;
  return q;
}

}  // namespace

TEST_CASE("render substitutes variables without HTML escaping", "[render]") {
  Renderer r("{{", "}}");
  r.set(string_question("name"), Value(std::string("a<b>&\"c\"")));
  CHECK(r.render("x={{name}}", "t") == "x=a<b>&\"c\"");
}

TEST_CASE("custom delimiters leave GitHub Actions expressions alone", "[render]") {
  Renderer r("[[", "]]");
  r.set(string_question("python"), Value(std::string("3.11")));
  CHECK(r.render("v: ${{ matrix.python }} [[python]]", "ci.yml") == "v: ${{ matrix.python }} 3.11");
}

TEST_CASE("an undefined variable names the file and the line", "[render]") {
  Renderer r("{{", "}}");
  try {
    r.render("line1\nline2 {{nope}}\n", "files/x.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()) == "files/x.txt:2: undefined variable 'nope'");
  }
}

TEST_CASE("an unclosed section reports its line", "[render]") {
  Renderer r("[[", "]]");
  r.set(string_question("a"), Value(std::string("x")));
  try {
    r.render("one\ntwo\n[[#a]]three\n", "f.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).rfind("f.txt:", 0) == 0);
    CHECK(std::string(e.what()).find("template error") != std::string::npos);
  }
}

TEST_CASE("choice questions add _is_ names, multichoice _has_ names", "[render]") {
  Renderer r("{{", "}}");
  r.set(choice_question("framework", {"sklearn", "pytorch"}), Value(std::string("pytorch")));
  Question ci = choice_question("ci", {"github", "gitlab"});
  ci.type = QuestionType::multichoice;
  r.set(ci, Value(std::vector<std::string>{"gitlab"}));
  CHECK(r.render("{{#framework_is_pytorch}}T{{/framework_is_pytorch}}{{^framework_is_sklearn}}F{{/framework_is_sklearn}}", "t") == "TF");
  CHECK(r.render("{{#ci_has_gitlab}}G{{/ci_has_gitlab}}{{#ci_has_github}}H{{/ci_has_github}}", "t") == "G");
  CHECK(r.render("{{#ci}}[{{.}}]{{/ci}}", "t") == "[gitlab]");
}

TEST_CASE("standalone section lines vanish whether or not the section renders", "[render]") {
  Renderer r("[[", "]]");
  Question f;
  f.name = "f";
  f.type = QuestionType::boolean;
  const std::string tpl = "a\n[[#f]]\nF\n[[/f]]\nb\n  [[^f]]\n  NF\n  [[/f]]\nc\n";
  r.set(f, Value(false));
  CHECK(r.render(tpl, "t") == "a\nb\n  NF\nc\n");
  r.set(f, Value(true));
  CHECK(r.render(tpl, "t") == "a\nF\nb\nc\n");
}

TEST_CASE("empty strings are false in sections and print as nothing", "[render]") {
  Renderer r("{{", "}}");
  r.set(string_question("email"), Value(std::string()));
  CHECK(r.render("<{{email}}>{{#email}}has{{/email}}{{^email}}none{{/email}}", "t") == "<>none");
}

TEST_CASE("case lambdas transform their rendered section", "[render]") {
  Renderer r("{{", "}}");
  r.set(string_question("name"), Value(std::string("My ML-Project v2")));
  CHECK(r.render("{{#snake}}{{name}}{{/snake}}", "t") == "my_ml_project_v2");
  CHECK(r.render("{{#kebab}}{{name}}{{/kebab}}", "t") == "my-ml-project-v2");
  CHECK(r.render("{{#camel}}{{name}}{{/camel}}", "t") == "MyMlProjectV2");
  CHECK(r.render("{{#upper}}{{name}}{{/upper}}", "t") == "MY ML-PROJECT V2");
  CHECK(to_snake("2fast") == "_2fast");
  CHECK(to_snake("fooBar baz") == "foo_bar_baz");
}

TEST_CASE("a secret answer cannot be rendered", "[render]") {
  Renderer r("{{", "}}");
  r.add_secret("token");
  try {
    r.render("key={{token}}", "files/.env");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("secret") != std::string::npos);
  }
}

TEST_CASE("partials are refused, not silently empty", "[render]") {
  Renderer r("{{", "}}");
  CHECK_THROWS_AS(r.render("{{> header}}", "t"), Error);
}

TEST_CASE("when expressions: literals, names, negation and templates", "[render]") {
  Renderer r("{{", "}}");
  Question b;
  b.name = "gpu";
  b.type = QuestionType::boolean;
  r.set(b, Value(true));
  r.set(string_question("empty"), Value(std::string()));
  CHECK(r.truthy("", "m"));
  CHECK(r.truthy("true", "m"));
  CHECK_FALSE(r.truthy("false", "m"));
  CHECK(r.truthy("gpu", "m"));
  CHECK_FALSE(r.truthy("!gpu", "m"));
  CHECK_FALSE(r.truthy("empty", "m"));
  CHECK(r.truthy("{{#gpu}}yes{{/gpu}}", "m"));
  CHECK_FALSE(r.truthy("{{^gpu}}yes{{/gpu}}", "m"));
  CHECK_THROWS_AS(r.truthy("unknown_name", "m"), Error);
}

TEST_CASE("section nesting is limited, also after a set-delimiter tag", "[render]") {
  Renderer r("{{", "}}");
  Question q;
  q.name = "a";
  q.type = QuestionType::boolean;
  r.set(q, Value(true));
  auto nested = [](const std::string& open, const std::string& close, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open + "#a" + close;
    s += "x";
    for (int i = 0; i < n; ++i) s += open + "/a" + close;
    return s;
  };
  CHECK(r.render(nested("{{", "}}", 64), "f") == "x");
  for (const std::string& text : {nested("{{", "}}", 65), "{{=<% %>=}}" + nested("<%", "%>", 200), "{{= | | =}}" + nested("|", "|", 100),
                                  "{{=<% %>=}}<%={{ }}=%>" + nested("{{", "}}", 100)}) {
    INFO(text.substr(0, 40));
    try {
      r.render(text, "f");
      FAIL("rendered");
    } catch (const mlops::Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
      CHECK(std::string(e.what()).find("nested") != std::string::npos);
    }
  }
  // Custom delimiters of the template itself are counted too.
  Renderer custom("[[", "]]");
  custom.set(q, Value(true));
  CHECK_THROWS_AS(custom.render(nested("[[", "]]", 65), "f"), mlops::Error);
  CHECK(custom.render(nested("[[", "]]", 3), "f") == "x");
}
