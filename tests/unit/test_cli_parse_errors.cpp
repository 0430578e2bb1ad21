// SPDX-License-Identifier: MIT
// Every CLI11 ParseError class becomes a message in our words that names the option (or
// command) and what it expects: never CLI11's own text.
#include "commands.hpp"
#include "parse_errors.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace mlops::cli;

namespace {

// Phrases of CLI11 2.1's messages (CLI/Error.hpp) that must never reach a user.
const char* const k_raw[] = {"Could not convert",
                             "At Most",
                             "At least",
                             "is required",
                             "excludes",
                             "requires",
                             "not expected",
                             "required but received",
                             "not in range",
                             "not in {",
                             " missing",
                             "Should be true/false",
                             "too many inputs",
                             "subcommand",
                             "Subcommand",
                             "INI",
                             "was not readable",
                             "You should not see",
                             "Too many positional",
                             "Runtime error",
                             "disallowed flag override"};

void check_clean(const UsageProblem& p) {
  INFO("message: " << p.message << "\nhint: " << p.hint);
  CHECK(!p.message.empty());
  CHECK(p.message.find('\n') == std::string::npos);
  for (const char* raw : k_raw) {
    CHECK(p.message.find(raw) == std::string::npos);
    CHECK(p.hint.find(raw) == std::string::npos);
  }
}

// Parses `args` with the real command tree and describes the error it raises.
UsageProblem real(std::vector<std::string> args) {
  Context ctx;
  CLI::App app{"", "mlops"};
  build_app(app, ctx);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    REQUIRE(e.get_exit_code() != 0);
    auto p = describe_parse_error(e, app, args);
    check_clean(p);
    return p;
  }
  FAIL("no parse error for the arguments");
  return {};
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("ConversionError: the option, the value and its form", "[cli]") {
  auto p = real({"exp", "list", "--limit", "abc"});
  CHECK(p.message == "invalid value 'abc' for --limit: expected a whole number");
  CHECK(has(p.hint, "'mlops exp list --help'"));
  p = real({"exp", "list", "--all=maybe"});
  CHECK(has(p.message, "--all is a flag"));
}

TEST_CASE("ValidationError: choices and ranges", "[cli]") {
  auto p = real({"package", "build", "--compression", "foo"});
  CHECK(p.message == "invalid value 'foo' for --compression: expected one of none, gzip or zstd");
  p = real({"exp", "run", "-j", "0", "--", "true"});
  CHECK(p.message == "invalid value '0' for --jobs: expected a number from 1 to 256");
  p = real({"completion", "tcsh"});
  CHECK(p.message == "invalid value 'tcsh' for SHELL: expected one of bash, zsh or fish");
}

TEST_CASE("ArgumentMismatch: a missing value, a repeated option", "[cli]") {
  auto p = real({"exp", "list", "--limit"});
  CHECK(p.message == "--limit needs a value: N");
  p = real({"init", "--template", "a", "--template", "b"});
  CHECK(p.message == "--template was given more than once; it takes one value");
}

TEST_CASE("RequiredError: an argument, an option, a command", "[cli]") {
  auto p = real({"exp", "show"});
  CHECK(has(p.message, "'mlops exp show' needs RUN"));
  CHECK(has(p.hint, "usage: mlops exp show"));
  p = real({"package", "sign", "x"});
  CHECK(has(p.message, "'mlops package sign' needs --key"));
  p = real({"template"});
  CHECK(p.message == "'mlops template' needs a command: list or show");
}

TEST_CASE("ExtrasError: unknown command, unknown option, extra argument", "[cli]") {
  auto p = real({"exp", "lst"});
  CHECK(p.message == "unknown command 'exp lst'");
  CHECK(p.hint == "did you mean 'exp list'?");
  p = real({"exp", "list", "--lmit", "3"});
  CHECK(p.message == "unknown option '--lmit' for 'mlops exp list'");
  CHECK(has(p.hint, "did you mean '--limit'?"));
  p = real({"--lmit", "exp", "list"});
  CHECK(p.message == "unknown option '--lmit'");
  CHECK(has(p.hint, "'mlops --help'"));
  p = real({"template", "list", "extra"});
  CHECK(p.message == "unexpected argument 'extra' for 'mlops template list'");
}

TEST_CASE("RequiresError and ExcludesError name both sides", "[cli]") {
  CLI::App app{"", "tool"};
  bool a = false, b = false, c = false;
  auto* oa = app.add_flag("--alpha", a);
  auto* ob = app.add_flag("--beta", b);
  auto* oc = app.add_flag("--gamma", c);
  oa->excludes(ob);
  oc->needs(oa);
  for (const auto& [args, want] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--alpha", "--beta"}, "cannot be used together"}, {{"--gamma"}, "--gamma needs --alpha as well"}}) {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
      app.clear();
      app.parse(reversed);
      FAIL("no error");
    } catch (const CLI::ParseError& e) {
      const auto p = describe_parse_error(e, app, args);
      check_clean(p);
      CHECK(has(p.message, want));
    }
  }
}

TEST_CASE("the other ParseError classes get a generic line, not CLI11's", "[cli]") {
  CLI::App app{"", "tool"};
  const std::vector<std::string> none;
  check_clean(describe_parse_error(CLI::FileError::Missing("x.ini"), app, none));
  check_clean(describe_parse_error(CLI::ConfigError::Extras("y"), app, none));
  check_clean(describe_parse_error(CLI::InvalidError("X"), app, none));
  check_clean(describe_parse_error(CLI::HorribleError("You should not see this"), app, none));
  check_clean(describe_parse_error(CLI::RuntimeError(), app, none));
  check_clean(describe_parse_error(CLI::ConversionError::TooManyInputsFlag("--f"), app, none));
  check_clean(describe_parse_error(CLI::ConversionError::TrueFalse("--f"), app, none));
  check_clean(describe_parse_error(CLI::ConversionError("v", "--f"), app, none));
  check_clean(describe_parse_error(CLI::ArgumentMismatch::AtLeast("--f", 2, 1), app, none));
  check_clean(describe_parse_error(CLI::ArgumentMismatch::FlagOverride("--f"), app, none));
  check_clean(describe_parse_error(CLI::ArgumentMismatch("--f", 2, 1), app, none));
  check_clean(describe_parse_error(CLI::ArgumentMismatch("--f", -2, 1), app, none));
  check_clean(describe_parse_error(CLI::RequiredError::Option(1, 1, 0, "--a, --b"), app, none));
  check_clean(describe_parse_error(CLI::RequiredError::Subcommand(2), app, none));
  check_clean(describe_parse_error(CLI::ValidationError("--f", "weird"), app, none));
}
