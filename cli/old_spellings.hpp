// SPDX-License-Identifier: MIT
// Short options that changed meaning when every short option got one meaning across the
// tool (docs/architecture.md, "Short options"). Scripts written before keep working: the old
// spelling stays as a hidden option of the command that had it, feeding the same option;
// with -v a warning says what to write instead (without, scripts stay as quiet as they were).
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace mlops::cli {

// `old_short` ("-t") on `cmd` becomes another spelling of `target` (one value each time).
void old_short(CLI::App& cmd, Context& ctx, const std::string& old_short, CLI::Option* target);

}  // namespace mlops::cli
