// SPDX-License-Identifier: MIT
// "did you mean ...?": one ranking for every name mlops checks, in the library (run names,
// list fields, revisions) and in the CLI (commands, options).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mlops/api.hpp"

namespace mlops {

// Up to `max` candidates close to `word`: by edit distance (a typo), or starting with it,
// nearest first. Case is ignored.
MLOPS_API std::vector<std::string> closest_names(std::string_view word, const std::vector<std::string>& candidates, size_t max = 3);

// "did you mean 'a' or 'b'?" ("" for none).
MLOPS_API std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace mlops
