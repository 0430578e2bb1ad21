// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>

#include <cerrno>
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

void throw_errno(const std::string& what) {
  const int err = errno;
  const ErrorKind kind = (err == ENOENT || err == ENOTDIR) ? ErrorKind::not_found : ErrorKind::io;
  throw Error(kind, what + ": " + std::strerror(err));
}

}  // namespace mlops
