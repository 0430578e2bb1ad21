// SPDX-License-Identifier: MIT
// Shell completion scripts generated from the command tree, so they cannot drift from the
// real options (a test compares them with the committed files in completions/).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace mlops::cli {

std::string completion_script(const CLI::App& root, const std::string& shell);

}  // namespace mlops::cli
