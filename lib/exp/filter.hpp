// SPDX-License-Identifier: MIT
// The `mlops exp list --filter` language:
//   metrics.acc > 0.9 and (params.lr <= 0.01 or tag:baseline) and not status = failed
// Comparisons are typed: numbers compare as numbers, strings as strings; a missing field or
// mismatched types make a comparison false. Operators: = == != < <= > >= ~ (substring).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::exp {

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

 private:
  std::unique_ptr<FilterNode> m_root;
};

}  // namespace mlops::exp
