// SPDX-License-Identifier: MIT
// The parts of HTTP the client and the backends read from a server's answer, as pure
// functions (unit-tested without a server). Everything parsed here came from a server and is
// hostile: sizes and counts are bounded, nothing is trusted to be well formed.
#pragma once

#include <mlops/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops::remote::http {

inline constexpr std::size_t k_max_header_count = 256;
inline constexpr std::size_t k_max_header_bytes = 256u << 10;  // all header lines of one response

// Response headers: names compared case-insensitively, values with surrounding white space
// trimmed, in the order received. add() refuses (returns false) past the bounds above.
class Headers {
 public:
  bool add_line(std::string_view line);  // "Name: value" (a status line resets the set)
  bool add(std::string_view name, std::string_view value);
  std::optional<std::string> get(std::string_view name) const;  // the first with that name
  std::vector<std::string> get_all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const noexcept { return m_headers; }
  void clear() noexcept {
    m_headers.clear();
    m_bytes = 0;
  }

 private:
  std::vector<std::pair<std::string, std::string>> m_headers;
  std::size_t m_bytes = 0;
};

bool iequals(std::string_view a, std::string_view b) noexcept;

// A decimal number from a server (Content-Length, Range, a part number): 1 to 20 ASCII digits
// within 64 bits; nullopt for a sign, white space, another character or an overflow
// (std::stoull would take "-1" as 2^64-1 and "12abc" as 12).
std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept;

// The response's Content-Length: nullopt when there is none; Error{remote, rejected} when a
// value is not a decimal number or the copies disagree (two headers, or "42, 43": a response
// that could be framed two ways). Identical copies are one value (RFC 9110, 8.6).
std::optional<std::uint64_t> content_length(const Headers& headers);

// Retry-After: delay-seconds or an HTTP-date (relative to `now`); nullopt when unreadable.
// Never negative; the caller caps it.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

// The retry class of a finished attempt: an HTTP status (0 when none arrived) or a libcurl
// result code's class. transient for 408, 429, 5xx (but 501, 505), auth for 401/403, rejected
// for other 4xx; unspecified for 1xx-3xx.
RemoteFailure failure_for_status(long status) noexcept;

// The pause before attempt `attempt` (1 = the first retry): base * 2^(attempt-1), capped, with
// +-25% jitter from `random01` in [0,1).
std::chrono::milliseconds backoff(unsigned attempt, double random01, std::chrono::milliseconds base = std::chrono::milliseconds(250),
                                  std::chrono::milliseconds cap = std::chrono::milliseconds(8000));

// One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`.
struct Challenge {
  std::string scheme;                         // lower case: "basic", "bearer"
  std::map<std::string, std::string> params;  // keys lower case
};
// Every challenge in `value` (several may share one header); bounded to 16 challenges and
// 32 parameters each.
std::vector<Challenge> parse_www_authenticate(std::string_view value);

// The target of `Link: <…>; rel="next"` (tags and referrers pagination), if there is one.
std::optional<std::string> link_next(std::string_view value);

// URL parts, parsed the same way as libcurl parses them (it is libcurl's URL API).
struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6
  std::string port;    // empty when default
  bool has_user = false;
};
// Error{usage} when `url` is not an absolute http(s) URL.
UrlParts parse_url(const std::string& url);
// `location` (absolute or relative, from a Location header) resolved against `base`.
std::string resolve_url(const std::string& base, const std::string& location);
// host[:port] as a string, for comparing origins (scheme included: "https://h:443").
std::string origin_of(const UrlParts& parts);

// 127.0.0.0/8, ::1, localhost: where plain HTTP needs no --plain-http.
bool is_loopback_host(std::string_view host) noexcept;

// S3's XML answers (ListObjects, ListParts, errors), read by hand rather than by libxml2: they
// are flat, we read a few element names from bounded bodies, and a full XML parser (DTDs,
// entities, namespaces) is more attack surface than help here.
// The text of every <tag>...</tag> in `xml`, in order, with the five predefined entities and
// &#34; &#39; decoded (anything else after an '&' is kept as it is). One pass over the body:
// an entity is looked for only in the few bytes after its '&'.
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);
// The first of them, "" when there is none.
std::string xml_value(std::string_view xml, std::string_view tag);
// `s` as XML element text (& < > " escaped); xml_values reads it back as `s`.
std::string xml_escape(std::string_view s);

}  // namespace mlops::remote::http
