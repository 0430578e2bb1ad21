// SPDX-License-Identifier: MIT
#include "core/xdg.hpp"

#include <cstdlib>

namespace mlops::xdg {
namespace {

std::filesystem::path base(const char* variable, const char* under_home) {
  if (const char* v = std::getenv(variable); v != nullptr && *v != '\0') return v;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return std::filesystem::path(home) / under_home;
  return {};
}

}  // namespace

std::filesystem::path data_home() { return base("XDG_DATA_HOME", ".local/share"); }
std::filesystem::path config_home() { return base("XDG_CONFIG_HOME", ".config"); }
std::filesystem::path cache_home() { return base("XDG_CACHE_HOME", ".cache"); }

}  // namespace mlops::xdg
