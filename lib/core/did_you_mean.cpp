// SPDX-License-Identifier: MIT
#include "mlops/did_you_mean.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace mlops {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance, one row at a time.
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

std::vector<std::string> closest_names(std::string_view word_in, const std::vector<std::string>& candidates, size_t max) {
  const std::string word = lower(word_in);
  if (word.empty()) return {};
  const size_t limit = word.size() / 2 + 1;  // more edits than that is not a typo
  std::vector<std::tuple<size_t, std::string>> scored;
  for (const auto& c : candidates) {
    if (c.size() > 256) continue;  // names that long are not what anyone meant to type
    const std::string l = lower(c);
    size_t d = distance(word, l);
    if (l.rfind(word, 0) == 0 || (l.size() > word.size() && l.find(word) != std::string::npos && word.size() >= 3)) {
      d = std::min(d, limit - 1);  // a prefix or a part: likely what was meant
    }
    if (d < limit) scored.emplace_back(d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& [d, c] : scored) {
    if (out.size() == max) break;
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string s = "did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += i + 1 == names.size() ? " or " : ", ";
    s += "'" + names[i] + "'";
  }
  return s + "?";
}

}  // namespace mlops
