// SPDX-License-Identifier: MIT
// Manual pages generated from the command tree, like the completion scripts: mlops(1) and one
// page per command (mlops-init(1), mlops-exp(1), ...). man/ holds them; a test compares it with
// what this prints (build/cli/mlops_manpages writes them: `make man`).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mlops::cli {

struct ManPage {
  std::string file;  // "mlops-exp.1"
  std::string text;  // man(7) source
};

std::vector<ManPage> man_pages(const CLI::App& root, std::string_view version);

}  // namespace mlops::cli
