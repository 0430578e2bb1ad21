// SPDX-License-Identifier: MIT
#include "core/url.hpp"

#include <cctype>

namespace mlops {
namespace {

// Where the authority starts when `url` begins with a scheme and "://" (RFC 3986: a letter,
// then letters, digits, '+', '-', '.'), else npos: a "://" further on is not a URL's.
size_t authority_start(std::string_view url) {
  if (url.empty() || std::isalpha(static_cast<unsigned char>(url[0])) == 0) return std::string_view::npos;
  for (size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return url.substr(i, 3) == "://" ? i + 3 : std::string_view::npos;
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '-' && c != '.') return std::string_view::npos;
  }
  return std::string_view::npos;
}

// [begin, end) of the "user:password@" part of a scheme://authority URL, or npos.
std::pair<size_t, size_t> userinfo(std::string_view url) {
  const size_t start = authority_start(url);
  if (start == std::string_view::npos) return {std::string_view::npos, 0};
  const size_t authority_end = url.find_first_of("/?#", start);
  const std::string_view authority =
      url.substr(start, authority_end == std::string_view::npos ? std::string_view::npos : authority_end - start);
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) return {start, start + at + 1};
  // "user:pa/ss@host": a raw '/' in a password ends the authority early. A ':' followed by
  // something that is not a port means a password was meant: everything up to the last '@'
  // before the query is treated as user information, or the whole authority when none follows.
  // An IPv6 host ("[::1]:8443") holds colons of its own: the port's comes after its ']'.
  const size_t host_end = !authority.empty() && authority.front() == '[' ? authority.find(']') : 0;
  if (host_end == std::string_view::npos) return {std::string_view::npos, 0};
  const size_t colon = authority.find(':', host_end);
  if (colon == std::string_view::npos) return {std::string_view::npos, 0};
  const std::string_view after = authority.substr(colon + 1);
  bool port = true;
  for (const char c : after) port = port && std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (port) return {std::string_view::npos, 0};
  const size_t rest_end = url.find_first_of("?#", start);
  const size_t last_at = url.substr(0, rest_end).rfind('@');
  if (last_at != std::string_view::npos && last_at > start) return {start, last_at + 1};
  return {start, start + authority.size()};
}

// "?a=1&token=x#f" -> "?a=***&token=***#f": query strings carry tokens too (access_token=,
// private_token=, X-Amz-Signature=), and a remote URL has no other use for one.
std::string redact_query(std::string_view url) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  const size_t hash = url.find('#', q);
  const std::string_view query = url.substr(q + 1, hash == std::string_view::npos ? std::string_view::npos : hash - q - 1);
  std::string out(url.substr(0, q + 1));
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(pos, amp - pos);
    const size_t eq = param.find('=');
    out += eq == std::string_view::npos ? (param.empty() ? "" : "***") : std::string(param.substr(0, eq + 1)) + "***";
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  if (hash != std::string_view::npos) out += url.substr(hash);
  return out;
}

}  // namespace

bool url_has_userinfo(std::string_view url) { return userinfo(url).first != std::string_view::npos; }

std::string redact_url(std::string_view url) {
  // Not a URL (a directory, "git@host:repo"): left as it is, a '?' in a path included.
  if (authority_start(url) == std::string_view::npos) return std::string(url);
  auto [b, e] = userinfo(url);
  if (b == std::string_view::npos) return redact_query(url);
  return std::string(url.substr(0, b)) + "***@" + redact_query(url.substr(e));
}

std::string redact_urls_in(std::string_view text) {
  std::string out;
  size_t done = 0;
  for (size_t sep = text.find("://"); sep != std::string_view::npos; sep = text.find("://", sep + 3)) {
    if (sep < done) continue;
    size_t begin = sep;
    while (begin > done && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) != 0 || text[begin - 1] == '+' ||
                            text[begin - 1] == '-' || text[begin - 1] == '.')) {
      --begin;
    }
    size_t end = text.find_first_of(" \t\r\n", sep);
    if (end == std::string_view::npos) end = text.size();
    out.append(text.substr(done, begin - done));
    out += redact_url(text.substr(begin, end - begin));
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

std::string strip_url_credentials(std::string_view url) {
  // Until nothing reads as user information: after "a:b/c@d:e/f" loses "a:b/c@", "d:e" is
  // the next candidate. Each pass removes at least one character.
  std::string out(url);
  for (;;) {
    auto [b, e] = userinfo(out);
    if (b == std::string_view::npos) return out;
    out.erase(b, e - b);
  }
}

}  // namespace mlops
