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
         "  1    the command's answer is no (a gate of 'mlops check' failed, verification found\n"
         "       corruption)\n"
         "  2    usage error: a bad command, option or argument (any -S/--set mistake), run\n"
         "       outside a git repository or mlops project, answers missing without a terminal, a\n"
         "       malformed gates: section of mlops.yaml or a gate on a metric no run has\n"
         "  3    not found: template, run, package, file or ref\n"
         "  4    bad input data: malformed or unsafe manifest, answers file, params file or archive\n"
         "  5    network or remote failure: authentication, timeout, a transient server error or a\n"
         "       refusal (the message says which; retried first where that can help)\n"
         "  6    conflict: would overwrite or lose existing work (see --force)\n"
         "  7    local I/O error: permission denied, disk full\n"
         "  70   internal error (a bug)\n"
         "  130  interrupted (128 + signal number)\n"
         "  'mlops exp run' exits with its command's own code once the command started (127: not\n"
         "  found; 128+N: killed by signal N); the codes above are for mlops's own errors.\n";
}

}  // namespace mlops::cli
