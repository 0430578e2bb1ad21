// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_manifest(yaml, "t.yaml");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a full manifest parses", "[manifest]") {
  const Manifest m = parse_manifest(R"(schema: 1
name: demo
version: "2.0"
summary: s
delimiters: ["[[", "]]"]
files: tpl
copy_without_render: ["*.png"]
exclude: [".DS_Store"]
questions:
  - name: project
    default: "[[dir_name]]"
    validate: {regex: '^[a-z]+$', message: lowercase please}
  - name: n
    type: int
    default: 3
    validate: {min: 1, max: 9}
  - name: fw
    type: choice
    choices: [a, {value: b, label: Bee}]
    default: a
  - name: ci
    type: multichoice
    choices: [x, y]
    default: [x, y]
    when: "!n"
  - name: token
    secret: true
hooks:
  post_generate:
    - ["./hooks/post.sh", "arg"]
    - echo hi
)",
                                    "t.yaml");
  CHECK(m.name == "demo");
  CHECK(m.open_delimiter == "[[");
  CHECK(m.files_dir == "tpl");
  REQUIRE(m.questions.size() == 5);
  CHECK(m.questions[0].regex == "^[a-z]+$");
  CHECK(m.questions[1].type == QuestionType::integer);
  CHECK(*m.questions[1].max == 9);
  CHECK(m.questions[2].choices[1].label == "Bee");
  CHECK(m.questions[3].default_values == std::vector<std::string>{"x", "y"});
  CHECK(m.questions[3].when == "!n");
  CHECK(m.questions[4].secret);
  CHECK_FALSE(m.questions[4].has_default);
  REQUIRE(m.post_generate.size() == 2);
  CHECK(m.post_generate[1].argv == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
}

TEST_CASE("manifest errors carry file and line", "[manifest]") {
  CHECK(error_of("name: x\nquestions:\n  - name: a\n    type: float\n") ==
        "t.yaml:4: unknown question type 'float' (string, int, bool, choice, multichoice)");
  CHECK(error_of("name: x\nfiels: y\n").rfind("t.yaml:2: unknown key 'fiels'", 0) == 0);
  CHECK(error_of("name: [unclosed\n").rfind("t.yaml:", 0) == 0);
  CHECK(error_of("version: 1\n") == "t.yaml:1: the manifest has no 'name'");
}

TEST_CASE("manifests that could escape or confuse are refused", "[manifest]") {
  CHECK(error_of("name: x\nfiles: ../..\n").find("relative path inside") != std::string::npos);
  CHECK(error_of("name: x\nfiles: /etc\n").find("relative path inside") != std::string::npos);
  CHECK(error_of("name: x\nschema: 2\n").find("schema 2") != std::string::npos);
  CHECK(error_of("name: x\ndelimiters: ['<%']\n").find("two strings") != std::string::npos);
  CHECK(error_of("name: x\ndelimiters: ['a b', 'c']\n").find("without spaces") != std::string::npos);
  CHECK(error_of("name: x\nquestions:\n  - name: a\n  - name: a\n").find("defined twice") != std::string::npos);
  CHECK(error_of("name: x\nquestions:\n  - name: dir_name\n").find("reserved") != std::string::npos);
  CHECK(error_of("name: x\nquestions:\n  - name: a\n    validate: {regex: '('}\n").find("invalid regex") != std::string::npos);
  CHECK(error_of("name: x\nquestions:\n  - name: c\n    type: choice\n").find("needs 'choices'") != std::string::npos);
  CHECK(error_of("name: x\nquestions:\n  - {name: fw, type: choice, choices: [a]}\n  - name: fw_is_a\n").find("clashes") !=
        std::string::npos);
  CHECK(error_of("name: Bad Name\n").find("must match") != std::string::npos);
}
