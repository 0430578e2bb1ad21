// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace mlops {

// What went wrong, from the caller's point of view. cli/exit_codes.cpp maps each kind to
// the documented exit code; the library never decides exit codes itself.
enum class ErrorKind {
  usage,          // the request itself is malformed: bad flag value, missing answers
  not_found,      // a named thing does not exist: template, run, file, ref
  invalid_input,  // input data is malformed or unsafe: manifest, answers, archive, path escape
  conflict,       // doing it would overwrite or lose existing work (non-empty target, dirty tree)
  io,             // the local filesystem refused: permission, disk full
  remote,         // network or remote server failure
  interrupted,    // SIGINT/SIGTERM arrived
  internal,       // a bug or an environment problem we cannot describe better
};

// Why a remote failed, finer than ErrorKind::remote, so that a caller (a transfer loop, a
// worker pool, a user's script through --json) can decide whether trying again can help.
// Every class is still ErrorKind::remote and exit code 5.
enum class RemoteFailure {
  unspecified,  // a remote error with no finer class (and every error of another kind)
  auth,         // credentials missing, wrong or expired (401, 403): retry only with new ones
  timeout,      // connect or low-speed timeout: retrying may help
  transient,    // connection refused or reset, 408, 429, 5xx: retry after a backoff
  rejected,     // the server understood and refused (other 4xx, bad data): retrying will not help
};

// The one error type of libmlops: a kind, a one-line message and an optional hint that says
// what to do about it.
class MLOPS_API Error : public std::runtime_error {
 public:
  // std::runtime_error copies the message whatever we pass: taken by const reference.
  Error(ErrorKind kind, const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_kind(kind), m_hint(std::move(hint)) {}
  // A remote error with its retry class (kind() is ErrorKind::remote).
  Error(RemoteFailure failure, const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_kind(ErrorKind::remote), m_failure(failure), m_hint(std::move(hint)) {}

  ErrorKind kind() const noexcept { return m_kind; }
  const std::string& hint() const noexcept { return m_hint; }
  // unspecified unless kind() is remote and the thrower knew more.
  RemoteFailure remote_failure() const noexcept { return m_failure; }
  // Whether the same request may succeed if sent again after a pause: a timeout or a
  // transient remote failure. Auth and rejected are not (the first needs new credentials).
  bool retryable() const noexcept {
    return m_kind == ErrorKind::remote && (m_failure == RemoteFailure::timeout || m_failure == RemoteFailure::transient);
  }

 private:
  ErrorKind m_kind;
  RemoteFailure m_failure = RemoteFailure::unspecified;
  std::string m_hint;
};

MLOPS_API const char* to_string(ErrorKind kind) noexcept;
MLOPS_API const char* to_string(RemoteFailure failure) noexcept;  // "auth", "timeout", ...

// The text as it may reach a terminal: every control character (C0, DEL, C1; a newline too
// unless `keep_newlines`) and every byte that is not UTF-8 becomes \xNN. The last guard
// before stderr: a message quotes names from archives, remotes and argv, and a missed
// printable() there must not let an escape sequence drive the user's terminal. Printable
// text (what printable() returns) passes unchanged.
MLOPS_API std::string escape_controls(std::string_view text, bool keep_newlines = false);

// Throws Error{io} with "<what>: <strerror(errno)>".
[[noreturn]] MLOPS_API void throw_errno(const std::string& what);

}  // namespace mlops
