// SPDX-License-Identifier: MIT
#include "package/archive_io.hpp"

#include "package/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>

namespace mlops::package {

namespace {

constexpr std::size_t k_buffer = 1u << 20;

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

namespace {

// The length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

std::string printable(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const std::size_t n = utf8_sequence(s, i);
    // C1 controls (U+0080..U+009F) are escapes to some terminals, like the C0 ones.
    const bool c1 = n == 2 && static_cast<unsigned char>(c) == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
    if (n == 0 || c1 || is_control(c) || c == '\\') {
      const auto u = static_cast<unsigned char>(c);
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Utf8Locale::Utf8Locale() {
  // Created once and never freed: a locale object may be in use by several threads.
  static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (utf8 == static_cast<locale_t>(nullptr)) throw Error(ErrorKind::internal, "the C.UTF-8 locale is not available");
  m_previous = ::uselocale(utf8);
}

Utf8Locale::~Utf8Locale() { ::uselocale(m_previous); }

namespace {

std::string checked_name(const char* utf8, const char* raw, const std::string& what, const char* role) {
  if (utf8 != nullptr && valid_utf8(utf8)) return utf8;
  if (raw == nullptr) throw Error(ErrorKind::invalid_input, what + ": a tar entry has no usable " + role);
  throw Error(ErrorKind::invalid_input, what + ": the " + role + " '" + printable(raw) + "' is not UTF-8");
}

}  // namespace

std::string entry_pathname(archive_entry* entry, const std::string& what) {
  return checked_name(archive_entry_pathname_utf8(entry), archive_entry_pathname(entry), what, "name");
}

std::string entry_symlink(archive_entry* entry, const std::string& what) {
  return checked_name(archive_entry_symlink_utf8(entry), archive_entry_symlink(entry), what, "symlink target");
}

std::string entry_hardlink(archive_entry* entry, const std::string& what) {
  const char* raw = archive_entry_hardlink(entry);
  if (raw == nullptr) return {};
  return checked_name(archive_entry_hardlink_utf8(entry), raw, what, "hard link target");
}

std::string safe_entry_path(std::string_view name, const std::string& what) {
  auto bad = [&](const std::string& why) { return Error(ErrorKind::invalid_input, what + ": '" + printable(name) + "' " + why); };
  if (name.empty()) throw bad("is an empty path");
  if (name.front() == '/') throw bad("is an absolute path");
  if (std::any_of(name.begin(), name.end(), is_control)) throw bad("contains a control character");
  std::string out;
  std::size_t pos = 0;
  while (pos <= name.size()) {
    std::size_t slash = name.find('/', pos);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view part = name.substr(pos, slash - pos);
    const bool last = slash >= name.size() - (name.back() == '/' ? 1 : 0);
    pos = slash + 1;
    if (part.empty()) {
      if (last) break;  // the trailing '/' of a directory
      throw bad("has an empty path component");
    }
    if (part == ".") continue;
    if (part == "..") throw bad("goes up with '..'");
    // Anything under .git/ (hooks, config) would run code in the repository DIR may be.
    if (iequals(part, ".git")) throw bad("writes into a .git directory");
    if (!out.empty()) out += '/';
    out += part;
    if (last) break;
  }
  return out;
}

void check_link_target(std::string_view entry, std::string_view target, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::invalid_input, what + ": symlink '" + printable(entry) + "' -> '" + printable(target) + "' " + why);
  };
  if (target.empty()) throw bad("has an empty target");
  if (target.front() == '/') throw bad("points to an absolute path");
  if (std::any_of(target.begin(), target.end(), is_control)) throw bad("has a control character in its target");
}

std::size_t read_some(int fd, void* buf, std::size_t size, const std::string& what) {
  for (;;) {
    const ssize_t n = ::read(fd, buf, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw_errno("cannot read " + what);
  }
}

HashingSource::HashingSource(int fd, std::string what, const Progress& progress)
    : m_fd(fd), m_what(std::move(what)), m_buf(k_buffer), m_progress(progress) {}

la_ssize_t HashingSource::on_read(archive*, void* client, const void** buffer) {
  auto* self = static_cast<HashingSource*>(client);
  try {
    check_interrupted();
    const std::size_t n = read_some(self->m_fd, self->m_buf.data(), self->m_buf.size(), self->m_what);
    self->m_hash.update(self->m_buf.data(), n);
    self->m_size += n;
    self->m_progress.advance(n);
    *buffer = self->m_buf.data();
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    self->m_error = std::current_exception();
    return -1;
  }
}

void HashingSource::open(archive* a) {
  const int rc = archive_read_open2(a, this, nullptr, &HashingSource::on_read, nullptr, nullptr);
  rethrow_if_failed();
  if (rc != ARCHIVE_OK) {
    throw Error(ErrorKind::invalid_input, m_what + " is not a tar archive: " + archive_message(a));
  }
}

std::string HashingSource::finish() {
  rethrow_if_failed();
  for (;;) {
    check_interrupted();
    const std::size_t n = read_some(m_fd, m_buf.data(), m_buf.size(), m_what);
    if (n == 0) break;
    m_hash.update(m_buf.data(), n);
    m_size += n;
  }
  return "sha256:" + m_hash.hex();
}

std::string archive_message(archive* a) {
  const char* msg = a != nullptr ? archive_error_string(a) : nullptr;
  return msg != nullptr && *msg != '\0' ? printable(msg) : "libarchive reports an error";
}

}  // namespace mlops::package
