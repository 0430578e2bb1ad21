// SPDX-License-Identifier: MIT
// One stage's command: `/bin/sh -c CMD` in its own process group (so that a terminal's Ctrl-C
// reaches mlops only, which forwards it), stdin from /dev/null, stdout and stderr read line
// by line for the caller to prefix.
#pragma once

#include "core/process.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace mlops::pipeline {

// Runs `cmd` in `cwd` with `env` added to the environment. `on_line(line, is_stderr)` is called
// from this thread for every line (a line longer than 64 KiB is cut in pieces). Once
// interrupted() turns true the signal is forwarded to the child's group; the call still
// waits for the child and returns its result.
ProcessResult run_shell(const std::string& cmd, const std::filesystem::path& cwd, const std::map<std::string, std::string>& env,
                        const std::function<void(const std::string&, bool)>& on_line);

}  // namespace mlops::pipeline
