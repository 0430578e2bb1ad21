// SPDX-License-Identifier: MIT
// The command table: one row per top-level command. To add a command, write cli/cmd_<name>.cpp
// with a setup function, add its row here and in commands.cpp, add tests (tests/e2e/), and
// regenerate completions (`make completions`). docs/architecture.md has the whole checklist.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <span>
#include <string_view>

namespace mlops::cli {

// What the dispatcher must prepare before the command runs (like git's RUN_SETUP).
enum Needs : unsigned {
  k_needs_nothing = 0,
  k_needs_project = 1u << 0,   // an mlops.yaml in the directory or above
  k_needs_git_repo = 1u << 1,  // a git repository
  k_needs_network = 1u << 2,   // talks to remotes
};

struct Command {
  std::string_view name;
  std::string_view summary;
  unsigned needs;
  void (*setup)(CLI::App& command, Context& ctx);
};

std::span<const Command> commands();

void setup_init(CLI::App& cmd, Context& ctx);
void setup_template(CLI::App& cmd, Context& ctx);
void setup_update(CLI::App& cmd, Context& ctx);
void setup_completion(CLI::App& cmd, Context& ctx);
void setup_version(CLI::App& cmd, Context& ctx);
void setup_exp(CLI::App& cmd, Context& ctx);
void setup_params(CLI::App& cmd, Context& ctx);
void setup_metrics(CLI::App& cmd, Context& ctx);
void setup_check(CLI::App& cmd, Context& ctx);
void setup_report(CLI::App& cmd, Context& ctx);
void setup_package(CLI::App& cmd, Context& ctx);
void setup_key(CLI::App& cmd, Context& ctx);
void setup_push(CLI::App& cmd, Context& ctx);
void setup_pull(CLI::App& cmd, Context& ctx);
void setup_copy(CLI::App& cmd, Context& ctx);
void setup_remote(CLI::App& cmd, Context& ctx);
void setup_drift(CLI::App& cmd, Context& ctx);
void setup_repro(CLI::App& cmd, Context& ctx);
void setup_data(CLI::App& cmd, Context& ctx);
void setup_cache(CLI::App& cmd, Context& ctx);
void setup_status(CLI::App& cmd, Context& ctx);
void setup_dag(CLI::App& cmd, Context& ctx);
void setup_executor(CLI::App& cmd, Context& ctx);
void setup_checkout(CLI::App& cmd, Context& ctx);
void setup_login(CLI::App& cmd, Context& ctx);
void setup_logout(CLI::App& cmd, Context& ctx);
void setup_model(CLI::App& cmd, Context& ctx);
void setup_ci(CLI::App& cmd, Context& ctx);
void setup_help(CLI::App& cmd, Context& ctx);
void setup_complete(CLI::App& cmd, Context& ctx);  // hidden: `mlops __complete` for shell completion

// Builds the command tree (also used to generate completions and man pages). With `only` set,
// the other commands get their name and summary but not their options: setting up every
// command's options was a third of `mlops template list`'s start-up (bench/startup).
void build_app(CLI::App& app, Context& ctx, std::string_view only = {});

}  // namespace mlops::cli
