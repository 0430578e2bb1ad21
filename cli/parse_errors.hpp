// SPDX-License-Identifier: MIT
// Command-line mistakes in our own words. CLI11's messages ("Could not convert: --limit = abc",
// "At Most 1 required but received 2", "A subcommand is required") name parser internals and
// point nowhere; these name the option or command, the form it expects, and the --help of the
// command actually typed.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace mlops::cli {

struct UsageProblem {
  std::string message, hint;
};

// Any CLI11 ParseError but the Success ones (--help, --version), after `root.parse(args)`
// threw it (`args`: the words after the program name).
UsageProblem describe_parse_error(const CLI::ParseError& e, const CLI::App& root, const std::vector<std::string>& args);

// `word` is not a command of `parent`: "did you mean", or the commands there are.
UsageProblem unknown_command(const CLI::App& parent, const std::string& word);

// "mlops exp list": the names from the root down to `app`.
std::string command_path(const CLI::App& app);

}  // namespace mlops::cli
