// SPDX-License-Identifier: MIT
#include "scaffold/versions.hpp"

#include <charconv>

namespace mlops::scaffold {

std::optional<std::vector<long>> parse_version(const std::string& text) {
  std::string_view s = text;
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  std::vector<long> out;
  while (true) {
    long n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end == s.data() || n < 0) return std::nullopt;
    out.push_back(n);
    s.remove_prefix(static_cast<size_t>(end - s.data()));
    if (s.empty()) break;
    if (s[0] != '.' || out.size() >= 8) return std::nullopt;
    s.remove_prefix(1);
  }
  return out;
}

int compare_versions(const std::vector<long>& a, const std::vector<long>& b) {
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    const long x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<LatestTag> latest_version_tag(const std::map<std::string, std::string>& refs) {
  std::optional<LatestTag> best;
  std::vector<long> best_v;
  constexpr std::string_view prefix = "refs/tags/";
  for (const auto& [name, commit] : refs) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string tag = name.substr(prefix.size());
    const auto v = parse_version(tag);
    if (!v) continue;
    // Equal versions (v1.0 and 1.0.0): the longer spelling, then the name, so the choice is stable.
    const int c = best ? compare_versions(*v, best_v) : 1;
    if (c > 0 || (c == 0 && (tag.size() > best->tag.size() || (tag.size() == best->tag.size() && tag > best->tag)))) {
      best = LatestTag{tag, commit};
      best_v = *v;
    }
  }
  return best;
}

}  // namespace mlops::scaffold
