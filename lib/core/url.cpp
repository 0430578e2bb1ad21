// SPDX-License-Identifier: MIT
#include "core/url.hpp"

namespace mlops {
namespace {

// [begin, end) of the "user:password@" part of a scheme://authority URL, or npos.
std::pair<size_t, size_t> userinfo(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {std::string_view::npos, 0};
  const size_t start = scheme + 3;
  const size_t authority_end = url.find_first_of("/?#", start);
  const std::string_view authority = url.substr(start, authority_end == std::string_view::npos ? std::string_view::npos : authority_end - start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return {std::string_view::npos, 0};
  return {start, start + at + 1};
}

}  // namespace

std::string redact_url(std::string_view url) {
  auto [b, e] = userinfo(url);
  if (b == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, b)) + "***@" + std::string(url.substr(e));
}

std::string strip_url_credentials(std::string_view url) {
  auto [b, e] = userinfo(url);
  if (b == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, b)) + std::string(url.substr(e));
}

}  // namespace mlops
