// SPDX-License-Identifier: MIT
#include <mlops/log.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace mlops::log {
namespace {

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

void configure(spdlog::level::level_enum level, bool color) {
  auto logger = make(color);
  logger->set_level(level);
  if (level <= spdlog::level::debug) logger->set_pattern("mlops: %H:%M:%S.%e %^%l%$: %v");
  instance() = std::move(logger);
}

spdlog::logger& get() { return *instance(); }

}  // namespace mlops::log
