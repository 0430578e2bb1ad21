// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

#include <string_view>

namespace mlops {

MLOPS_API std::string_view version() noexcept;       // "0.1.0"
MLOPS_API std::string_view git_describe() noexcept;  // commit the library was built from, or ""

}  // namespace mlops
