// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace mlops {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::io: return "io";
    case ErrorKind::remote: return "remote";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

const char* to_string(RemoteFailure failure) noexcept {
  switch (failure) {
    case RemoteFailure::unspecified: return "unspecified";
    case RemoteFailure::auth: return "auth";
    case RemoteFailure::timeout: return "timeout";
    case RemoteFailure::transient: return "transient";
    case RemoteFailure::rejected: return "rejected";
  }
  return "unspecified";
}

namespace {

// Length of the well-formed UTF-8 sequence of 2 to 4 bytes at s[i], or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || c >= 0xf8 || i + n > s.size()) return 0;
  std::uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  if (cp >= 0x80 && cp < 0xa0) return 0;  // C1 controls: CSI (U+009B) is an escape to some terminals
  return n;
}

}  // namespace

std::string escape_controls(std::string_view text, bool keep_newlines) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 0x20 && c < 0x7f) || (c == '\n' && keep_newlines)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (const std::size_t n = c >= 0x80 ? utf8_sequence(text, i) : 0; n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
    ++i;
  }
  return out;
}

void throw_errno(const std::string& what) {
  const int err = errno;
  const ErrorKind kind = (err == ENOENT || err == ENOTDIR) ? ErrorKind::not_found : ErrorKind::io;
  throw Error(kind, what + ": " + std::strerror(err));
}

}  // namespace mlops
