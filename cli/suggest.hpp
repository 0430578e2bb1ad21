// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace mlops::cli {

// The candidate closest to `word` by edit distance, if close enough to be a typo; else "".
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mlops::cli
