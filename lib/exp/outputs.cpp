// SPDX-License-Identifier: MIT
#include "exp/outputs.hpp"

#include "core/fd.hpp"
#include "core/sha256.hpp"

#include <fcntl.h>
#include <time.h>

#include <algorithm>

namespace mlops::exp {
namespace {

std::int64_t ns_of(const struct timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

// Another filesystem than the probe's may keep a coarser clock, or another machine's: a file
// changed this close to the start is not told apart from one changed during the run.
constexpr std::int64_t k_other_fs_slack_ns = 2'000'000'000;

bool under(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/');
}

std::string normal(const std::string& rel) {
  std::string n = stdfs::path(rel).lexically_normal().generic_string();
  while (n.size() > 1 && n.back() == '/') n.pop_back();  // "models/" names the directory "models"
  return n;
}

}  // namespace

FileStamp stamp_of(const struct stat& st) {
  FileStamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = ns_of(st.st_mtim);
  s.ctime_ns = ns_of(st.st_ctim);
  s.type = st.st_mode & S_IFMT;
  return s;
}

bool changed_since(const FileStamp& before, const FileStamp& after, const std::function<std::string()>& sha_after) {
  if (before.dev != after.dev || before.ino != after.ino || before.size != after.size || before.mtime_ns != after.mtime_ns ||
      before.ctime_ns != after.ctime_ns || before.type != after.type) {
    return true;
  }
  // Same stat data: unchanged, unless the file was changed in the same clock tick as the run
  // started, where a change during the run could have left the same ctime.
  return !before.sha256.empty() && sha_after() != before.sha256;
}

std::vector<std::string> output_files(const stdfs::path& project, const std::string& rel) {
  std::vector<std::string> out;
  const stdfs::path p = project / rel;
  std::error_code ec;
  const auto st = stdfs::symlink_status(p, ec);
  if (ec || !stdfs::exists(st)) return out;
  if (stdfs::is_regular_file(st)) {
    out.push_back(normal(rel));
  } else if (stdfs::is_directory(st)) {
    for (auto it = stdfs::recursive_directory_iterator(p, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code e2;
      if (it->is_symlink(e2) || !it->is_regular_file(e2)) continue;
      out.push_back(it->path().lexically_relative(project).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void OutputBaseline::take(const stdfs::path& project, const std::vector<std::string>& rels, const stdfs::path& probe) {
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  m_start_ns = ns_of(now);
  {
    Fd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    struct stat st {};
    if (fd && ::fstat(fd.get(), &st) == 0) m_probe = stamp_of(st);
  }
  for (const auto& rel : rels) {
    m_roots.push_back(normal(rel));
    std::vector<std::string> files = output_files(project, rel);
    // A metrics file may be a symlink to the file the command writes: stamped through it.
    struct stat top {};
    const bool link = files.empty() && ::lstat((project / rel).c_str(), &top) == 0 && S_ISLNK(top.st_mode);
    if (link) files.push_back(normal(rel));
    for (const auto& f : files) {
      if (m_before.count(f)) continue;
      const stdfs::path path = project / f;
      struct stat st {};
      if ((link ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0 || !S_ISREG(st.st_mode)) continue;
      FileStamp s = stamp_of(st);
      const bool same_fs = m_probe.dev != 0 && s.dev == m_probe.dev;
      const bool racy = same_fs ? s.ctime_ns >= m_probe.ctime_ns : s.ctime_ns >= m_start_ns - k_other_fs_slack_ns;
      if (racy) {
        try {
          s.sha256 = sha256_file(path).sha256;
        } catch (const std::exception&) {
          continue;  // unreadable now: whatever is there afterwards counts as written
        }
      }
      m_before.emplace(f, std::move(s));
    }
  }
}

bool OutputBaseline::covers(const std::string& rel) const {
  const std::string n = normal(rel);
  return std::any_of(m_roots.begin(), m_roots.end(), [&](const std::string& root) { return under(n, root); });
}

bool OutputBaseline::written(const std::string& rel, const FileStamp& now, const std::function<std::string()>& sha_now) const {
  const std::string n = normal(rel);
  if (auto it = m_before.find(n); it != m_before.end()) return changed_since(it->second, now, sha_now);
  if (covers(n)) return true;  // stamped, and not there before
  const bool same_fs = m_probe.dev != 0 && now.dev == m_probe.dev;
  return same_fs ? now.ctime_ns >= m_probe.ctime_ns : now.ctime_ns >= m_start_ns - k_other_fs_slack_ns;
}

}  // namespace mlops::exp
