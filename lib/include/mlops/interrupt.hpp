// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

namespace mlops {

// SIGINT/SIGTERM are turned into a flag that long operations poll, so they unwind through
// RAII (temporary directories removed, nothing half written) instead of dying mid-write.
MLOPS_API void install_interrupt_handlers();
MLOPS_API bool interrupted() noexcept;
MLOPS_API int interrupt_signal() noexcept;  // the signal that arrived, 0 if none
// Throws Error{interrupted} if a signal arrived.
MLOPS_API void check_interrupted();

}  // namespace mlops
