// SPDX-License-Identifier: MIT
// The `mlops exp list --filter` language:
//   metrics.acc > 0.9 and (params.lr <= 0.01 or tag:baseline) and not status = failed
// Comparisons are typed: numbers compare as numbers, strings as strings; a missing field or
// mismatched types make a comparison false. Operators: = == != < <= > >= ~ (substring).
// On the right of a comparison, `baseline.FIELD` names a field rather than text (`mlops check
// --against` looks it up on the baseline; `exp list` knows no such field), optionally with
// one step of arithmetic on a number: `metrics.acc >= baseline.metrics.acc - 0.01`.
// Parentheses and `not` nest at most k_max_filter_depth deep (a usage error beyond), and
// chains of `and`/`or` are flat nodes, so nothing recurses deeper than that.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::exp {

inline constexpr size_t k_max_filter_depth = 64;
inline constexpr const char* k_field_value_prefix = "baseline.";

struct FilterNode;

class Filter {
 public:
  // Error{usage} "invalid filter at column N: ..." with the expression and a caret as hint.
  static Filter parse(std::string_view text);
  Filter();
  ~Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;

  using Lookup = std::function<std::optional<nlohmann::json>(std::string_view field)>;
  using HasTag = std::function<bool(std::string_view tag)>;
  bool matches(const Lookup& field, const HasTag& has_tag) const;
  bool empty() const noexcept { return m_root == nullptr; }

  // The field names and tags the filter uses, in the order written, with their columns: the
  // listing checks that each exists, and resolves a bare `acc` to `metrics.acc`.
  struct Name {
    std::string name;
    size_t column = 0;  // 1-based
    bool is_tag = false;
  };
  std::vector<Name> names() const;
  // Replaces every field name (not tags) by what `map` returns for it.
  void rename(const std::function<std::string(const std::string&)>& map);

 private:
  std::unique_ptr<FilterNode> m_root;
};

}  // namespace mlops::exp
