// SPDX-License-Identifier: MIT
#include "remote/http_parse.hpp"

#include "core/url.hpp"
#include "remote/curl_lib.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>

namespace mlops::remote::http {
namespace {

constexpr std::string_view k_space = " \t\r\n";

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(k_space);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(k_space);
  return s.substr(b, e - b + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<std::uint64_t> content_length(const Headers& headers) {
  std::optional<std::uint64_t> out;
  for (const auto& value : headers.get_all("content-length")) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = value.find(',', start);
      const std::string_view one =
          trim(std::string_view(value).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      const auto n = parse_decimal(one);
      if (!n || (out && *out != *n)) {
        throw Error(RemoteFailure::rejected, "the server sent an invalid Content-Length" + std::string(n ? " (copies that disagree)" : ""));
      }
      out = n;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

bool Headers::add_line(std::string_view line) {
  line = trim(line);
  if (line.empty()) return true;
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 Continue, or a new attempt)
    clear();
    return true;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return true;  // not a header: ignored
  return add(line.substr(0, colon), line.substr(colon + 1));
}

bool Headers::add(std::string_view name, std::string_view value) {
  value = trim(value);
  name = trim(name);
  m_bytes += name.size() + value.size() + 4;
  if (m_headers.size() >= k_max_header_count || m_bytes > k_max_header_bytes) return false;
  m_headers.emplace_back(std::string(name), std::string(value));
  return true;
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : m_headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> Headers::get_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : m_headers) {
    if (iequals(n, name)) out.push_back(v);
  }
  return out;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  value = trim(value);
  if (value.empty() || value.size() > 64) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds(999999999);  // absurd: the caller caps it
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  const std::string text(value);
  const std::time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::seconds(when > now ? when - now : 0);
}

RemoteFailure failure_for_status(long status) noexcept {
  if (status == 401 || status == 403) return RemoteFailure::auth;
  if (status == 408 || status == 429) return RemoteFailure::transient;
  if (status >= 500 && status <= 599) {
    return status == 501 || status == 505 ? RemoteFailure::rejected : RemoteFailure::transient;
  }
  if (status >= 400) return RemoteFailure::rejected;
  return RemoteFailure::unspecified;
}

std::chrono::milliseconds backoff(unsigned attempt, double random01, std::chrono::milliseconds base, std::chrono::milliseconds cap) {
  const unsigned shift = std::min(attempt == 0 ? 0u : attempt - 1, 20u);
  const double raw =
      std::min(static_cast<double>(base.count()) * std::ldexp(1.0, static_cast<int>(shift)), static_cast<double>(cap.count()));
  const double jitter = 0.75 + 0.5 * std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(raw * jitter));
}

std::vector<Challenge> parse_www_authenticate(std::string_view value) {
  // challenge = scheme [ 1*SP ( token68 / #auth-param ) ], challenges separated by commas.
  std::vector<Challenge> out;
  std::size_t i = 0;
  const auto skip = [&](std::string_view chars) {
    while (i < value.size() && chars.find(value[i]) != std::string_view::npos) ++i;
  };
  const auto token = [&] {
    const std::size_t b = i;
    while (i < value.size() && is_token_char(value[i])) ++i;
    return value.substr(b, i - b);
  };
  while (i < value.size() && out.size() < 16) {
    skip(" \t,");
    const std::string_view scheme = token();
    if (scheme.empty()) break;
    Challenge c;
    c.scheme = lower(scheme);
    // Parameters until the next "token SP" that is not followed by '=' (a new scheme).
    while (i < value.size() && c.params.size() < 32) {
      skip(" \t,");
      const std::size_t save = i;
      const std::string_view key = token();
      skip(" \t");
      if (key.empty() || i >= value.size() || value[i] != '=') {
        i = save;
        break;
      }
      ++i;
      skip(" \t");
      std::string val;
      if (i < value.size() && value[i] == '"') {
        ++i;
        while (i < value.size() && value[i] != '"') {
          if (value[i] == '\\' && i + 1 < value.size()) ++i;
          val += value[i++];
          if (val.size() > 4096) return out;
        }
        ++i;
      } else {
        val = std::string(token());
      }
      c.params[lower(key)] = std::move(val);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> link_next(std::string_view value) {
  // <url>; rel="next", <url2>; rel="prev"
  std::size_t i = 0;
  while (i < value.size()) {
    const auto open = value.find('<', i);
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = value.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const auto end = value.find('<', close);
    const std::string_view params = value.substr(close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1);
    const std::string p = lower(params);
    if (p.find("rel=\"next\"") != std::string::npos || p.find("rel=next") != std::string::npos) {
      return std::string(value.substr(open + 1, close - open - 1));
    }
    i = close + 1;
  }
  return std::nullopt;
}

namespace {

std::string url_part(CURLU* u, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
  CurlStringPtr owned(raw);
  return std::string(raw);
}

}  // namespace

UrlParts parse_url(const std::string& url) {
  UrlPtr u(curl_url());
  if (!u) throw Error(ErrorKind::internal, "out of memory parsing a URL");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    throw Error(ErrorKind::usage, "not a valid URL: " + redact_url(url));
  }
  UrlParts p;
  p.scheme = lower(url_part(u.get(), CURLUPART_SCHEME));
  p.host = url_part(u.get(), CURLUPART_HOST);
  p.port = url_part(u.get(), CURLUPART_PORT);
  p.has_user = !url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty();
  if (p.scheme != "http" && p.scheme != "https") throw Error(ErrorKind::usage, "not an http(s) URL: " + redact_url(url));
  if (p.host.size() >= 2 && p.host.front() == '[' && p.host.back() == ']') p.host = p.host.substr(1, p.host.size() - 2);
  p.host = lower(p.host);
  return p;
}

std::string resolve_url(const std::string& base, const std::string& location) {
  UrlPtr u(curl_url());
  if (!u) throw Error(ErrorKind::internal, "out of memory parsing a URL");
  if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) {
    throw Error(RemoteFailure::rejected, "the server sent an invalid location: " + redact_url(location));
  }
  return url_part(u.get(), CURLUPART_URL);
}

std::string origin_of(const UrlParts& parts) {
  std::string port = parts.port;
  if (port.empty()) port = parts.scheme == "https" ? "443" : "80";
  return parts.scheme + "://" + parts.host + ":" + port;
}

bool is_loopback_host(std::string_view host) noexcept {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (iequals(host, "localhost") || host == "::1") return true;
  // 127.0.0.0/8 as a dotted quad (libcurl normalises other spellings of an IPv4 address).
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (const char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

namespace {

// The entity at the start of `s` (just after its '&'): the character it stands for, and its
// length with the ';'; {0, 0} when it is none of ours. Only the next 6 bytes are looked at
// (the longest entity is "apos;"): searching the whole body for the ';' made a body full of
// '&' without one quadratic (a key of 2 MiB of '&' took 3 minutes; answers may hold 4 MiB).
std::pair<char, std::size_t> xml_entity(std::string_view s) {
  const auto semi = s.substr(0, 6).find(';');
  if (semi == std::string_view::npos) return {0, 0};
  const std::string_view ent = s.substr(0, semi);
  char c = 0;
  if (ent == "amp") c = '&';
  else if (ent == "lt") c = '<';
  else if (ent == "gt") c = '>';
  else if (ent == "quot" || ent == "#34") c = '"';
  else if (ent == "apos" || ent == "#39") c = '\'';
  return {c, c == 0 ? 0 : semi + 1};
}

}  // namespace

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  for (std::size_t pos = 0;;) {
    const auto b = xml.find(open, pos);
    if (b == std::string_view::npos) break;
    const auto e = xml.find(close, b + open.size());
    if (e == std::string_view::npos) break;
    const std::string_view raw = xml.substr(b + open.size(), e - b - open.size());
    std::string v;
    v.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
      const auto amp = raw.find('&', i);
      v.append(raw.substr(i, amp == std::string_view::npos ? std::string_view::npos : amp - i));
      if (amp == std::string_view::npos) break;
      const auto [c, length] = xml_entity(raw.substr(amp + 1));
      v += length == 0 ? '&' : c;
      i = amp + 1 + length;
    }
    out.push_back(std::move(v));
    pos = e + close.size();
  }
  return out;
}

std::string xml_value(std::string_view xml, std::string_view tag) {
  auto v = xml_values(xml, tag);
  return v.empty() ? std::string() : std::move(v.front());
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace mlops::remote::http
