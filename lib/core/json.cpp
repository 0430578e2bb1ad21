// SPDX-License-Identifier: MIT
#include "core/json.hpp"

#include <mlops/error.hpp>

namespace mlops {

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF (the same set of
// sequences nlohmann::json accepts when it serializes).
bool is_valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
    if (c < 0x80) {
      n = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i - 1 < n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

namespace {
struct TooDeep {};
}  // namespace

nlohmann::json parse_json(std::string_view text, const std::string& what, std::size_t max_depth) {
  try {
    // The callback sees every value as it starts; throwing from it stops the parser at once.
    return nlohmann::json::parse(text, [max_depth](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (static_cast<std::size_t>(depth) > max_depth) throw TooDeep{};
      return true;
    });
  } catch (const TooDeep&) {
    throw Error(ErrorKind::invalid_input, what + ": invalid JSON: nested deeper than " + std::to_string(max_depth) + " levels");
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::invalid_input, what + ": invalid JSON: " + e.what());
  }
}

}  // namespace mlops
