// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/log.hpp>

#include <fmt/core.h>

// fmt-style logging for library code. Only the checked format string and the argument pack
// are built here; the formatting itself happens once, in log.cpp, so no translation unit but
// that one instantiates fmt's formatter (about 5 s of compile time each).
namespace mlops::log {

MLOPS_API void vwrite(Level level, fmt::string_view format, fmt::format_args args);

template <class... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::debug)) vwrite(Level::debug, format, fmt::make_format_args(args...));
}
template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::info)) vwrite(Level::info, format, fmt::make_format_args(args...));
}
template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(Level::warn)) vwrite(Level::warn, format, fmt::make_format_args(args...));
}

}  // namespace mlops::log
