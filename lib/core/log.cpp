// SPDX-License-Identifier: MIT
// The one translation unit that compiles spdlog (header-only, which keeps a shared object off
// the startup path) and fmt's formatter.
#include "core/log.hpp"

#include <mlops/error.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mlops::log {
namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: break;
  }
  return spdlog::level::off;
}

std::shared_ptr<spdlog::logger> make(bool color) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (color) {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(spdlog::color_mode::always);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("mlops", std::move(sink));
  logger->set_pattern("mlops: %^%l%$: %v");
  logger->set_level(spdlog::level::warn);
  return logger;
}

std::shared_ptr<spdlog::logger>& instance() {
  static std::shared_ptr<spdlog::logger> logger = make(false);
  return logger;
}

}  // namespace

void configure(Level level, bool color) {
  auto logger = make(color);
  logger->set_level(to_spdlog(level));
  if (level <= Level::debug) logger->set_pattern("mlops: %H:%M:%S.%e %^%l%$: %v");
  instance() = std::move(logger);
}

bool enabled(Level level) noexcept { return instance()->should_log(to_spdlog(level)); }

// Log lines quote names from archives, remotes and argv: escaped like errors (mlops/error.hpp).
void write(Level level, std::string_view message) { instance()->log(to_spdlog(level), std::string_view(escape_controls(message))); }

void vwrite(Level level, fmt::string_view format, fmt::format_args args) {
  instance()->log(to_spdlog(level), std::string_view(escape_controls(fmt::vformat(format, args))));
}

}  // namespace mlops::log
