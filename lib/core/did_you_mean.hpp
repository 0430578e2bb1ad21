// SPDX-License-Identifier: MIT
// "did you mean ...?" for names the library checks against the ones that exist (run names,
// list fields, revisions). The CLI has its own for commands and flags (cli/suggest.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlops {

// Up to `max` candidates close to `word`: by edit distance (a typo), or starting with it,
// nearest first. Case is ignored.
std::vector<std::string> closest_names(std::string_view word, const std::vector<std::string>& candidates, size_t max = 3);

// "did you mean 'a' or 'b'?" ("" for none).
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace mlops
