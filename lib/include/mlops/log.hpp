// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

#include <spdlog/spdlog.h>

namespace mlops::log {

// Diagnostics only; results and user-facing messages are the CLI's job. Logs go to stderr.
// The CLI calls configure() once; until then the library logs warnings and errors only.
MLOPS_API void configure(spdlog::level::level_enum level, bool color);

MLOPS_API spdlog::logger& get();

template <class... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  get().debug(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  get().info(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  get().warn(fmt, std::forward<Args>(args)...);
}

}  // namespace mlops::log
