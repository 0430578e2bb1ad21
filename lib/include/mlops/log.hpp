// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

#include <string_view>

// The public face of the library's diagnostics: no logging or formatting library leaks into
// users' builds (spdlog alone costs ~10 s per translation unit). Library code logs through
// lib/core/log.hpp, which adds fmt-style formatting on top of write().
namespace mlops::log {

enum class Level { debug, info, warn, error, off };

// Diagnostics only; results and user-facing messages are the CLI's job. Logs go to stderr.
// The CLI calls configure() once; until then the library logs warnings and errors only.
MLOPS_API void configure(Level level, bool color);

MLOPS_API bool enabled(Level level) noexcept;
MLOPS_API void write(Level level, std::string_view message);

}  // namespace mlops::log
