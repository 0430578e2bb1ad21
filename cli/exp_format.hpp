// SPDX-License-Identifier: MIT
// How runs, lists and diffs look on a terminal (and as Markdown for PR comments).
#pragma once

#include "context.hpp"

#include <mlops/exp.hpp>

#include <string>
#include <vector>

namespace mlops::cli {

// "brave-otter completed in 3.2s (exit 0): acc=0.93 loss=0.12"
std::string run_summary(const exp::Run& r);

// Default columns: short_id, name, status, started, then params and metrics that differ
// across `runs` (all of them for a single run); or the comma list the user gave.
std::vector<std::string> list_columns(const std::vector<exp::Run>& runs, const std::string& requested);
// "a, b,c" -> {"a", "b", "c"}
std::vector<std::string> split_columns(const std::string& requested);
std::vector<std::vector<std::string>> list_rows(const std::vector<exp::Run>& runs, const std::vector<std::string>& columns);

std::string show_text(const exp::Run& r, const Output& out, const std::string& stdout_tail, const std::string& stderr_tail);

// Params and metrics tables (and the code patch when `with_code`), as text, Markdown or JSON.
void print_diff(const exp::RunDiff& d, Context& ctx, bool markdown, bool with_code);

}  // namespace mlops::cli
