// SPDX-License-Identifier: MIT
#include "suggest.hpp"

#include <algorithm>

namespace mlops::cli {
namespace {

size_t distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = word.size() / 2 + 1;  // more edits than that is not a typo
  for (const auto& c : candidates) {
    const size_t d = distance(word, c);
    if (d < best_d || (c.rfind(word, 0) == 0 && !word.empty() && best.empty())) {
      best_d = std::min(d, best_d);
      best = c;
    }
  }
  return best;
}

}  // namespace mlops::cli
