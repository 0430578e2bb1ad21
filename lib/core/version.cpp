// SPDX-License-Identifier: MIT
#include <mlops/version.hpp>

namespace mlops {

std::string_view version() noexcept { return MLOPS_VERSION; }
std::string_view git_describe() noexcept { return MLOPS_GIT_DESCRIBE; }

}  // namespace mlops
