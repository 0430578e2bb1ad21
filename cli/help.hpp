// SPDX-License-Identifier: MIT
// Help text: CLI11's layout plus a "Global options" section on every command's --help (the
// options of `mlops` itself work after any command), and `mlops help [COMMAND...]`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace mlops::cli {

// The group the global options are declared in; listed again under every command.
inline constexpr const char* k_global_options = "Global options";

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
  std::string make_footer(const CLI::App* app) const override;
};

// What `mlops WORDS... --help` prints for that command.
std::string help_text(const CLI::App& app);

}  // namespace mlops::cli
