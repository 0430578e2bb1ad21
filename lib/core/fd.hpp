// SPDX-License-Identifier: MIT
// An owned file descriptor: closed when the object dies.
#pragma once

#include <mlops/error.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>

namespace mlops {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = other.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const noexcept { return m_fd; }
  explicit operator bool() const noexcept { return m_fd >= 0; }
  int release() noexcept {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }
  void reset() noexcept {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  // close(2) with its error checked: the last chance to hear about a failed write.
  void close(const std::string& what) {
    const int fd = release();
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) throw_errno("cannot write " + what);
  }

 private:
  int m_fd = -1;
};

// write(2) until all of `data` is written, through EINTR and short writes.
inline void write_all(int fd, const void* data, std::size_t size, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write " + what);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace mlops
