// SPDX-License-Identifier: MIT
// $GITHUB_STEP_SUMMARY: GitHub renders the file as the job's summary and refuses a step whose
// file passes 1 MiB, so the append stays under the cap, and is one write() that is undone if
// it came out short (a disk full): never half a table.
#include "core/fd.hpp"

#include <mlops/ci.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mlops::ci {

std::string append_step_summary(const stdfs::path& file, const std::string& markdown, const std::string& fallback) {
  const std::string where = "GITHUB_STEP_SUMMARY (" + file.string() + ")";
  const int raw = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (raw < 0) return "cannot append to " + where + ": " + std::strerror(errno);
  const Fd fd(raw);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return where + " is not a regular file: nothing written";
  const auto size = static_cast<std::size_t>(st.st_size);
  std::string text = (size > 0 ? "\n" : "") + markdown;
  std::string note;
  if (size + text.size() > k_step_summary_cap) {
    text = (size > 0 ? "\n" : "") + fallback;
    if (size + text.size() > k_step_summary_cap) return where + " would pass GitHub's 1 MiB cap: nothing written";
    note = where + " would pass GitHub's 1 MiB cap: the table was left out";
  }
  const ssize_t n = ::write(fd.get(), text.data(), text.size());
  if (n == static_cast<ssize_t>(text.size())) return note;
  const int err = n < 0 ? errno : ENOSPC;
  // Undo a short write, unless someone else appended meanwhile.
  struct stat now {};
  if (n > 0 && ::fstat(fd.get(), &now) == 0 && static_cast<std::size_t>(now.st_size) == size + static_cast<std::size_t>(n)) {
    (void)!::ftruncate(fd.get(), static_cast<off_t>(size));
  }
  return "cannot append to " + where + ": " + std::strerror(err);
}

}  // namespace mlops::ci
