// SPDX-License-Identifier: MIT
#include "pipeline/busy_lock.hpp"

#include <mlops/error.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlops::pipeline {

std::optional<BusyLock> BusyLock::try_take(const std::filesystem::path& file) {
  for (;;) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) throw_errno("cannot open lock " + file.string());
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      if (e == EINTR) continue;
      ::close(fd);
      if (e == EWOULDBLOCK) return std::nullopt;
      errno = e;
      throw_errno("cannot lock " + file.string());
    }
    // The holder before us unlinks the file before it lets go: locked, the inode we opened may
    // have no name any more (or the name another inode). Then the lock means nothing: again.
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(file.c_str(), &named) == 0 && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
      return BusyLock(file, fd);
    ::close(fd);
  }
}

BusyLock::~BusyLock() {
  if (m_fd < 0) return;
  ::unlink(m_file.c_str());  // while held: nobody can take a lock on this inode and keep it
  ::close(m_fd);
}

std::size_t clean_dead_busy(const std::filesystem::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    try {
      if (BusyLock::try_take(it->path())) ++removed;  // its destructor unlinks the file
    } catch (const Error&) {
      // unreadable: left for the next run
    }
  }
  return removed;
}

}  // namespace mlops::pipeline
