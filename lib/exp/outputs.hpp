// SPDX-License-Identifier: MIT
// Which of the files a run collects it wrote itself. A run records the metrics files and the
// `outputs:` of mlops.yaml without naming them; one left by an earlier run must not be
// credited to it. Timestamps cannot tell (a file written in the second before the run looks
// new, and `touch -d` sets any mtime), so each such file is stamped before the command
// starts: device, inode, size, mtime and ctime, which the kernel sets on every change and no
// user call can set. A file whose ctime is as recent as the run's start (a later change could
// carry the same ctime) is also hashed then, like git's "racily clean" index entries.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::exp {

namespace stdfs = std::filesystem;

struct FileStamp {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  std::uint32_t type = 0;  // the S_IFMT bits
  std::string sha256;      // taken before the run, only when the stat data cannot be trusted
};

FileStamp stamp_of(const struct stat& st);

// True when `after` is another file than `before` or its content may differ: identity, size,
// mtime or ctime moved, or (for a racy `before`, which has a hash) the content hash differs.
// `sha_after` is called only in that last case. Rewriting a file with the same bytes changes
// its ctime, so it counts as written.
bool changed_since(const FileStamp& before, const FileStamp& after, const std::function<std::string()>& sha_after);

// Every regular file at or under `rel` (relative to `project`), sorted; symlinks are not
// followed. Empty when `rel` does not exist.
std::vector<std::string> output_files(const stdfs::path& project, const std::string& rel);

class OutputBaseline {
 public:
  // Just before the command starts: creates `probe` (its ctime is the start in the
  // filesystem's own clock) and stamps every file at or under `rels`, hashing the racy ones.
  void take(const stdfs::path& project, const std::vector<std::string>& rels, const stdfs::path& probe);

  // After the command ended, for the file `rel` as it is now: did the run write it? A file
  // stamped before is judged by changed_since(); one that was not there before is new. A path
  // that was not stamped (named by `exp log --artifact`) is the run's when its ctime is not
  // older than the start (two seconds of slack on another filesystem than the probe's).
  bool written(const std::string& rel, const FileStamp& now, const std::function<std::string()>& sha_now) const;

  // Was `rel` among the stamped paths (existing or not)?
  bool covers(const std::string& rel) const;

 private:
  std::map<std::string, FileStamp> m_before;  // files that existed
  std::vector<std::string> m_roots;           // the paths stamped, normalised
  FileStamp m_probe;
  std::int64_t m_start_ns = 0;  // the wall clock when the probe was made
};

}  // namespace mlops::exp
