// SPDX-License-Identifier: MIT
// <store>/mlops/busy/<key>: the flock one process holds while it looks a run-cache key up,
// runs the stage and records it (docs/formats.md, "Run cache"). The file lives exactly as long
// as its lock: the holder unlinks it before letting go, and a kill -9 leaves a file whose lock
// the kernel released, which the next repro removes. The flock tells a live holder from a dead
// one; the name alone never could.
#pragma once

#include <filesystem>
#include <optional>

namespace mlops::pipeline {

class BusyLock {
 public:
  // The lock on `file` if nobody holds it, else nullopt. Taken only when `file` is still the
  // inode locked: a holder that unlinked it meanwhile made it a name nobody waits on.
  static std::optional<BusyLock> try_take(const std::filesystem::path& file);
  ~BusyLock();  // unlinks the file, then releases the lock
  BusyLock(BusyLock&& o) noexcept : m_file(std::move(o.m_file)), m_fd(o.m_fd) { o.m_fd = -1; }
  BusyLock(const BusyLock&) = delete;
  BusyLock& operator=(const BusyLock&) = delete;
  BusyLock& operator=(BusyLock&&) = delete;

 private:
  BusyLock(std::filesystem::path file, int fd) : m_file(std::move(file)), m_fd(fd) {}
  std::filesystem::path m_file;
  int m_fd = -1;
};

// Removes the busy files in `dir` whose lock nobody holds (left by a process killed while it
// held one); a held one is a live stage's and stays. Returns how many were removed.
std::size_t clean_dead_busy(const std::filesystem::path& dir);

}  // namespace mlops::pipeline
