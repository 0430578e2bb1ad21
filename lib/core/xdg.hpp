// SPDX-License-Identifier: MIT
// The XDG base directories, read in one place (docs/formats.md, "Where mlops keeps things").
// Each is the variable when it is set and not empty (used as it is, as git does), else the
// XDG default under $HOME, else empty: the caller says what it cannot do without it.
#pragma once

#include <filesystem>

namespace mlops::xdg {

std::filesystem::path data_home();    // $XDG_DATA_HOME, else ~/.local/share
std::filesystem::path config_home();  // $XDG_CONFIG_HOME, else ~/.config
std::filesystem::path cache_home();   // $XDG_CACHE_HOME, else ~/.cache

}  // namespace mlops::xdg
