// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mlops {

struct ProcessResult {
  int exit_code = 0;  // when it exited
  int signal = 0;     // when a signal ended it
  bool ok() const noexcept { return exit_code == 0 && signal == 0; }
  std::string describe() const;  // "exit code 3" / "signal 9"
};

// Runs argv[0] (looked up in PATH) without a shell in `cwd`, with `extra_env` added to the
// environment; stdin, stdout and stderr are inherited. Error{not_found} if it cannot start.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& extra_env);

// Runs argv[0] (looked up in PATH) without a shell, writes `input` to its stdin and returns
// what it printed on stdout (at most `max_output` bytes: the child is killed beyond that);
// its stderr goes to /dev/null (a credential helper may print secrets there). For short-lived
// helpers such as docker-credential-*. Error{not_found} if it cannot start,
// Error{interrupted} on Ctrl-C (the child is killed).
struct ProcessOutput {
  ProcessResult result;
  std::string out;
  bool truncated = false;
};
ProcessOutput run_process_io(const std::vector<std::string>& argv, const std::string& input, std::size_t max_output);

}  // namespace mlops
