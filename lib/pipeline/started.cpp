// SPDX-License-Identifier: MIT
#include "pipeline/started.hpp"

#include <mlops/error.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace mlops::pipeline {

std::filesystem::path started_path(const std::filesystem::path& state, const std::string& stage) { return state / "started" / stage; }

Started started(const std::filesystem::path& state, const std::string& stage) {
  const std::filesystem::path p = started_path(state, stage);
  const Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return errno == ENOENT || errno == ENOTDIR ? Started::no : Started::unfinished;
  int rc = 0;
  while ((rc = ::flock(fd.get(), LOCK_SH | LOCK_NB)) != 0 && errno == EINTR) {
  }
  // Held: a live repro runs the stage. Any other failure (a filesystem without flock) cannot
  // prove a live holder, so the entry reads as it did before there were locks: unfinished.
  return rc != 0 && errno == EWOULDBLOCK ? Started::running : Started::unfinished;
}

StartedEntry StartedEntry::write(const std::filesystem::path& state, const std::string& stage, const std::string& text) {
  const std::filesystem::path final_path = started_path(state, stage);
  // A dot name no stage has: repro removes what a kill left under it (engine.cpp).
  std::string tmp = (state / "started" / ("." + stage + ".tmp-XXXXXX")).string();
  Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));  // close-on-exec: a stage's command must not inherit the lock
  if (!fd) throw_errno("cannot create " + tmp);
  try {
    if (::fchmod(fd.get(), 0644) != 0) throw_errno("cannot set the mode of " + tmp);
    while (::flock(fd.get(), LOCK_EX) != 0)  // a new file: nobody else holds it
      if (errno != EINTR) throw_errno("cannot lock " + tmp);
    write_all(fd.get(), text.data(), text.size(), tmp);
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) throw_errno("cannot rename " + tmp + " to " + final_path.string());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  return StartedEntry(std::move(fd));
}

}  // namespace mlops::pipeline
