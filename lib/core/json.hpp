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

}  // namespace mlops
