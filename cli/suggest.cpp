// SPDX-License-Identifier: MIT
#include "suggest.hpp"

#include "mlops/did_you_mean.hpp"

namespace mlops::cli {

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  const auto best = closest_names(word, candidates, 1);
  return best.empty() ? "" : best.front();
}

}  // namespace mlops::cli
