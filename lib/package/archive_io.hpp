// SPDX-License-Identifier: MIT
// Reading tar streams that come from anywhere (package layers on unpack, OCI layout tarballs
// on import): entry names checked before they are used as paths, and blobs hashed in the
// same pass that extracts them, so each byte is read once.
#pragma once

#include "core/fd.hpp"
#include "core/sha256.hpp"

#include <mlops/progress.hpp>

#include <archive.h>
#include <locale.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

// `s` with control characters, backslashes and bytes that are not UTF-8 escaped (\xNN), safe
// to put in a message that ends up on a terminal.
std::string printable(std::string_view s);

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);

// libarchive converts names between UTF-8 and the locale's charset, and mlops never calls
// setlocale(): in the "C" locale every non-ASCII name fails to convert (the pax writer then
// dereferences a null name). While one of these lives, the calling thread runs in C.UTF-8,
// so names pass through as UTF-8 whatever the user's environment says. Every libarchive
// reader and writer is created and used inside one.
class Utf8Locale {
 public:
  Utf8Locale();
  ~Utf8Locale();
  Utf8Locale(const Utf8Locale&) = delete;
  Utf8Locale& operator=(const Utf8Locale&) = delete;

 private:
  locale_t m_previous;
};

// An entry's path name, link target or hard link target as UTF-8 (inside a Utf8Locale).
// Error{invalid_input} "<what>: ..." when the archive has none or one that is not UTF-8.
std::string entry_pathname(archive_entry* entry, const std::string& what);
std::string entry_symlink(archive_entry* entry, const std::string& what);
// "" when the entry is not a hard link.
std::string entry_hardlink(archive_entry* entry, const std::string& what);

// The package-relative path an archive entry name stands for: '/'-separated components,
// "." components and one trailing '/' dropped, so "./src/" gives "src" and "." gives "".
// Error{invalid_input} "<what>: '<name>' <why>" for an absolute path, an empty component,
// "..", a control character or a ".git" component (any case: case-insensitive filesystems).
std::string safe_entry_path(std::string_view name, const std::string& what);

// A symlink target must be relative and free of control characters; where it leads is the
// caller's business (it needs the whole tree). Error{invalid_input} otherwise.
void check_link_target(std::string_view entry, std::string_view target, const std::string& what);

// read(2) retried on EINTR; Error{io} naming `what`.
std::size_t read_some(int fd, void* buf, std::size_t size, const std::string& what);

// Hands a file descriptor to libarchive and hashes every byte it takes. Exceptions never
// cross libarchive: a failure (a read error, an interrupt) is kept in `error` and libarchive
// is told the stream failed; callers rethrow it with rethrow_if_failed().
class HashingSource {
 public:
  HashingSource(int fd, std::string what, const Progress& progress = {});
  HashingSource(const HashingSource&) = delete;
  HashingSource& operator=(const HashingSource&) = delete;

  // archive_read_open2 with this as the client; no skip callback, so skipped data is read
  // (and hashed) too.
  void open(archive* a);
  void rethrow_if_failed() const {
    if (m_error) std::rethrow_exception(m_error);
  }
  // Reads what libarchive left (the padding after the end-of-archive blocks, or everything
  // after a parse error) and returns "sha256:<hex>" of the whole stream.
  std::string finish();
  std::uint64_t size() const noexcept { return m_size; }

 private:
  static la_ssize_t on_read(archive* a, void* client, const void** buffer);

  int m_fd;
  std::string m_what;
  Sha256 m_hash;
  std::vector<char> m_buf;
  std::uint64_t m_size = 0;
  Progress m_progress;
  std::exception_ptr m_error;
};

// libarchive's last message for `a`, or a generic one.
std::string archive_message(archive* a);

}  // namespace mlops::package
