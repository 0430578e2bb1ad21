// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/scaffold.hpp>

#include <catch2/catch.hpp>

#include <deque>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

Template make_template(const std::string& questions) {
  Template t;
  t.manifest = parse_manifest("name: t\nquestions:\n" + questions, "t.yaml");
  t.origin.location = "t";
  return t;
}

Builtins builtins() {
  Builtins b;
  b.dir_name = "My Project";
  b.year = "2026";
  return b;
}

// Answers typed on a pretend terminal, recording what was asked.
class ScriptedPrompter : public Prompter {
 public:
  explicit ScriptedPrompter(std::deque<std::string> lines) : m_lines(std::move(lines)) {}
  std::string ask(const Question& q, const std::string& def, const std::string& problem) override {
    asked.push_back(q.name + "|" + def + "|" + problem);
    if (m_lines.empty()) throw Error(ErrorKind::usage, "script ran out");
    std::string l = m_lines.front();
    m_lines.pop_front();
    return l;
  }
  std::vector<std::string> asked;

 private:
  std::deque<std::string> m_lines;
};

}  // namespace

TEST_CASE("defaults are rendered from built-ins and earlier answers", "[answers]") {
  const Template t = make_template(R"(
  - {name: project, default: "{{dir_name}}"}
  - {name: package, default: "{{#snake}}{{project}}{{/snake}}"}
)");
  AnswerSources src;
  const Answers a = resolve_answers(t, builtins(), src);
  CHECK(std::get<std::string>(*a.find("project")) == "My Project");
  CHECK(std::get<std::string>(*a.find("package")) == "my_project");
}

TEST_CASE("typed --set values are parsed and validated", "[answers]") {
  const Template t = make_template(R"(
  - {name: n, type: int, default: 1, validate: {min: 1, max: 5}}
  - {name: b, type: bool, default: "no"}
  - {name: ci, type: multichoice, choices: [gh, gl], default: []}
)");
  AnswerSources src;
  src.set = {{"n", {"4"}}, {"b", {"Yes"}}, {"ci", {"gl,gh,gl"}}};
  const Answers a = resolve_answers(t, builtins(), src);
  CHECK(std::get<std::int64_t>(*a.find("n")) == 4);
  CHECK(std::get<bool>(*a.find("b")));
  CHECK(std::get<std::vector<std::string>>(*a.find("ci")) == std::vector<std::string>{"gl", "gh"});

  src.set = {{"n", {"9"}}, {"b", {"maybe"}}};
  try {
    resolve_answers(t, builtins(), src);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);  // typed on the command line, like an unknown --set key
    CHECK(std::string(e.what()).find("n: 9 is out of range") != std::string::npos);
    CHECK(std::string(e.what()).find("b: 'maybe' is not yes or no") != std::string::npos);
  }
}

TEST_CASE("without a terminal every missing answer is reported at once", "[answers]") {
  const Template t = make_template(R"(
  - {name: a}
  - {name: b, default: x}
  - {name: c, type: int}
)");
  AnswerSources src;
  try {
    resolve_answers(t, builtins(), src);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    CHECK(std::string(e.what()) == "missing answers (no terminal to ask on): a, c");
    CHECK(e.hint().find("--set a=...") != std::string::npos);
  }
}

TEST_CASE("an unknown --set name is a usage error; in an answers file only a warning", "[answers]") {
  const Template t = make_template("  - {name: a, default: x}\n");
  AnswerSources src;
  src.set = {{"b", {"1"}}};
  CHECK_THROWS_AS(resolve_answers(t, builtins(), src), Error);
  src.set.clear();
  src.file = {{"b", {"1"}}};
  CHECK_NOTHROW(resolve_answers(t, builtins(), src));
}

TEST_CASE("the prompter is asked again until an answer is valid", "[answers]") {
  const Template t = make_template(R"(
  - {name: name, validate: {regex: '^[a-z]+$', message: lowercase letters only}}
  - {name: fw, type: choice, choices: [sklearn, pytorch], default: sklearn}
  - {name: ci, type: multichoice, choices: [gh, gl], default: [gh]}
)");
  ScriptedPrompter p({"Bad Name", "good", "2", "-"});
  AnswerSources src;
  src.prompter = &p;
  const Answers a = resolve_answers(t, builtins(), src);
  CHECK(std::get<std::string>(*a.find("name")) == "good");
  CHECK(std::get<std::string>(*a.find("fw")) == "pytorch");  // chosen by number
  CHECK(std::get<std::vector<std::string>>(*a.find("ci")).empty());
  REQUIRE(p.asked.size() == 4);
  CHECK(p.asked[1] == "name||lowercase letters only");
  CHECK(p.asked[2] == "fw|sklearn|");
}

TEST_CASE("use_defaults skips the prompter where a default exists", "[answers]") {
  const Template t = make_template("  - {name: a, default: x}\n  - {name: b}\n");
  ScriptedPrompter p({"typed"});
  AnswerSources src;
  src.prompter = &p;
  src.use_defaults = true;
  const Answers a = resolve_answers(t, builtins(), src);
  CHECK(std::get<std::string>(*a.find("a")) == "x");
  CHECK(std::get<std::string>(*a.find("b")) == "typed");
  CHECK(p.asked.size() == 1);
}

TEST_CASE("when=false skips the question and keeps its default", "[answers]") {
  const Template t = make_template(R"(
  - {name: fw, type: choice, choices: [sklearn, pytorch], default: pytorch}
  - {name: model, default: forest, when: fw_is_sklearn}
)");
  ScriptedPrompter p({});
  AnswerSources src;
  src.prompter = &p;
  src.use_defaults = true;
  const Answers a = resolve_answers(t, builtins(), src);
  CHECK(std::get<std::string>(*a.find("model")) == "forest");
  CHECK(a.skipped == std::vector<std::string>{"model"});
}

TEST_CASE("secret answers are marked and kept out of rendering", "[answers]") {
  const Template t = make_template("  - {name: token, secret: true}\n  - {name: b, default: '{{token}}'}\n");
  AnswerSources src;
  src.set = {{"token", {"s3cr3t"}}};
  CHECK_THROWS_AS(resolve_answers(t, builtins(), src), Error);  // b's default may not use it
}

TEST_CASE("answers files: plain mappings and .mlops/answers.yaml", "[answers]") {
  fs::TempDir tmp;
  fs::write_file_atomic(tmp.path() / "a.yaml", "name: x\nci: [a, b]\nempty:\n");
  auto m = read_answers_file(tmp.path() / "a.yaml");
  CHECK(m["name"] == std::vector<std::string>{"x"});
  CHECK(m["ci"] == std::vector<std::string>{"a", "b"});
  CHECK(m["empty"] == std::vector<std::string>{""});
  fs::write_file_atomic(tmp.path() / "b.yaml", "schema: 1\ntemplate: {name: t}\nanswers:\n  n: 3\n");
  CHECK(read_answers_file(tmp.path() / "b.yaml")["n"] == std::vector<std::string>{"3"});
  CHECK_FALSE(load_answers_file(tmp.path() / "b.yaml").recorded);  // no source or location: not usable
  fs::write_file_atomic(tmp.path() / "r.yaml",
                        "schema: 1\ntemplate: {name: t, version: '2', source: git, location: 'https://h/t.git', ref: v2, "
                        "commit: abc}\nanswers: {n: 3}\n");
  const auto r = load_answers_file(tmp.path() / "r.yaml");
  REQUIRE(r.recorded);
  CHECK(r.recorded->name == "t");
  CHECK(r.recorded->version == "2");
  CHECK(r.recorded->origin.kind == TemplateOrigin::Kind::git);
  CHECK(r.recorded->origin.location == "https://h/t.git");
  CHECK(r.recorded->origin.ref == "v2");
  CHECK(r.recorded->origin.commit == "abc");
  CHECK(r.answers.at("n") == std::vector<std::string>{"3"});
  CHECK_FALSE(load_answers_file(tmp.path() / "a.yaml").recorded);
  fs::write_file_atomic(tmp.path() / "bad.yaml", "template: {source: ftp, location: x}\nanswers: {n: 3}\n");
  CHECK_THROWS_AS(load_answers_file(tmp.path() / "bad.yaml"), Error);
  fs::write_file_atomic(tmp.path() / "c.yaml", "- a\n- b\n");
  CHECK_THROWS_AS(read_answers_file(tmp.path() / "c.yaml"), Error);
  CHECK_THROWS_AS(read_answers_file(tmp.path() / "missing.yaml"), Error);
}

TEST_CASE("KEY=VALUE assignments", "[answers]") {
  CHECK(parse_assignment("a=b=c") == std::pair<std::string, std::string>{"a", "b=c"});
  CHECK(parse_assignment("a=") == std::pair<std::string, std::string>{"a", ""});
  CHECK_THROWS_AS(parse_assignment("novalue"), Error);
  CHECK_THROWS_AS(parse_assignment("=x"), Error);
}
