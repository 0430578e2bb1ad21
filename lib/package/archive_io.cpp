// SPDX-License-Identifier: MIT
#include "package/archive_io.hpp"

#include "package/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

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

std::string printable(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (const char c : s) {
    if (is_control(c) || c == '\\') {
      const auto u = static_cast<unsigned char>(c);
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string safe_entry_path(std::string_view name, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::invalid_input, what + ": '" + printable(name) + "' " + why);
  };
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

HashingSource::HashingSource(int fd, std::string what) : m_fd(fd), m_what(std::move(what)), m_buf(k_buffer) {}

la_ssize_t HashingSource::on_read(archive*, void* client, const void** buffer) {
  auto* self = static_cast<HashingSource*>(client);
  try {
    check_interrupted();
    const std::size_t n = read_some(self->m_fd, self->m_buf.data(), self->m_buf.size(), self->m_what);
    self->m_hash.update(self->m_buf.data(), n);
    self->m_size += n;
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
