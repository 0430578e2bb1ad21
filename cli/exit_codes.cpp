// SPDX-License-Identifier: MIT
#include "exit_codes.hpp"

#include <mlops/interrupt.hpp>

namespace mlops::cli {

int exit_code_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage: return k_exit_usage;
    case ErrorKind::not_found: return k_exit_not_found;
    case ErrorKind::invalid_input: return k_exit_bad_input;
    case ErrorKind::conflict: return k_exit_conflict;
    case ErrorKind::io: return k_exit_io;
    case ErrorKind::remote: return k_exit_remote;
    case ErrorKind::interrupted: return interrupt_signal() > 0 ? 128 + interrupt_signal() : k_exit_interrupted;
    case ErrorKind::internal: return k_exit_internal;
  }
  return k_exit_internal;
}

const char* exit_codes_help() noexcept {
  return "Exit codes:\n"
         "  0    success\n"
         "  1    the command's answer is no (a check failed, verification found corruption)\n"
         "  2    usage error: bad flags or arguments, answers missing without a terminal\n"
         "  3    not found: template, run, file or ref; no git repository or mlops.yaml here\n"
         "  4    bad input data: malformed or unsafe manifest, answers or archive\n"
         "  5    network or remote failure\n"
         "  6    conflict: would overwrite or lose existing work (see --force)\n"
         "  7    local I/O error: permission denied, disk full\n"
         "  70   internal error (a bug)\n"
         "  130  interrupted (128 + signal number)\n";
}

}  // namespace mlops::cli
