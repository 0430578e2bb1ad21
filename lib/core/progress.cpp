// SPDX-License-Identifier: MIT
#include <mlops/progress.hpp>

namespace mlops {

ProgressObserver::~ProgressObserver() = default;

void ProgressObserver::item(std::string_view) noexcept {}

}  // namespace mlops
