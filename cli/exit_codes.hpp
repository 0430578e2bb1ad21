// SPDX-License-Identifier: MIT
// The one place exit codes are defined. README.md ("Exit codes") and `mlops --help` list them.
#pragma once

#include <mlops/error.hpp>

namespace mlops::cli {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_negative = 1,      // the command's own "no": a gate failed, verify found corruption
  k_exit_usage = 2,         // bad command line (any -S/--set mistake), wrong place (no repo/project), missing answers, gate config
  k_exit_not_found = 3,     // unknown template, run, file or ref
  k_exit_bad_input = 4,     // malformed or unsafe input data: manifest, answers, archive
  k_exit_remote = 5,        // network or remote server failure, whatever its RemoteFailure class
  k_exit_conflict = 6,      // would overwrite or lose existing work; --force where offered
  k_exit_io = 7,            // local filesystem error: permission denied, disk full
  k_exit_internal = 70,     // a bug: please report it
  k_exit_interrupted = 130  // SIGINT (128 + the signal number for others)
};

int exit_code_for(ErrorKind kind) noexcept;

// The table as text, for --help.
const char* exit_codes_help() noexcept;

}  // namespace mlops::cli
