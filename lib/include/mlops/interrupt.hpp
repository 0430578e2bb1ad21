// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

namespace mlops {

// SIGINT/SIGTERM are turned into a flag that long operations poll, so they unwind through
// RAII (temporary directories removed, nothing half written) instead of dying mid-write.
MLOPS_API void install_interrupt_handlers();
MLOPS_API bool interrupted() noexcept;
MLOPS_API int interrupt_signal() noexcept;  // the signal that arrived, 0 if none
// True when the signal was sent by a process (kill), false when the terminal sent it to the
// whole foreground process group, in which case our children received it too.
MLOPS_API bool interrupt_from_process() noexcept;
// `sig` (a scheduler's time-limit warning, sbatch --signal) becomes an interrupt by SIGTERM
// from a process, so running commands get SIGTERM; time_limit_reached() says it came.
MLOPS_API void install_time_limit_handler(int sig);
MLOPS_API bool time_limit_reached() noexcept;
// Throws Error{interrupted} if a signal arrived.
MLOPS_API void check_interrupted();

}  // namespace mlops
