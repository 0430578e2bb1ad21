// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace mlops::cli {

// The candidate closest to `word` (mlops::closest_names: a typo, or a prefix); else "".
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mlops::cli
