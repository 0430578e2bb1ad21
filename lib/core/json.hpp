// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mlops {

// JSON text that never throws: invalid UTF-8 in strings (file names, user values, command
// output) becomes U+FFFD instead of an exception.
inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_valid_utf8(std::string_view s) noexcept;

// nlohmann::json parses any depth, but dump(), copies and comparisons of what it parsed
// recurse (a million nested brackets overflow the stack): untrusted text goes through here.
inline constexpr std::size_t k_json_max_depth = 512;
// Error{invalid_input} "<what>: invalid JSON: ..." on a syntax error or deeper nesting.
nlohmann::json parse_json(std::string_view text, const std::string& what, std::size_t max_depth = k_json_max_depth);

}  // namespace mlops
