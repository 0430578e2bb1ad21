// SPDX-License-Identifier: MIT
#include "scaffold/temp_dirs.hpp"

#include "core/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace mlops::scaffold {
namespace {

namespace stdfs = std::filesystem;

stdfs::path temp_parent(const stdfs::path& parent) {
  if (!parent.empty()) return parent;
  const char* tmp = std::getenv("TMPDIR");
  return (tmp && *tmp) ? tmp : "/tmp";
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. With
// the pid it names one process for as long as the system runs.
std::optional<std::string> start_time(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat;
  if (!in || !std::getline(in, stat)) return std::nullopt;
  const size_t comm_end = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(comm_end + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  return field;
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// The pid namespace, from "pid:[4026531836]": a pid means something only inside its own
// namespace, and containers may share a /tmp.
std::optional<std::string> pid_namespace() {
  std::error_code ec;
  const std::string link = stdfs::read_symlink("/proc/self/ns/pid", ec).string();
  std::string digits;
  for (char c : link) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (ec || digits.empty()) return std::nullopt;
  return digits;
}

}  // namespace

fs::TempDir make_owned_temp_dir(const stdfs::path& parent, const std::string& prefix) {
  const std::string pid = std::to_string(::getpid());
  return fs::TempDir(temp_parent(parent), prefix + pid + "-" + start_time(pid).value_or("0") + "-" + pid_namespace().value_or("0") + "-");
}

void remove_stale_temp_dirs(const stdfs::path& parent_in, const std::string& prefix) {
  const stdfs::path parent = temp_parent(parent_in);
  // Without /proc nothing can be told apart: every owner would look gone.
  const auto namespace_id = pid_namespace();
  if (!namespace_id || !start_time("self")) return;
  std::error_code ec;
  for (stdfs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    // <pid>-<start>-<pid namespace>-XXXXXX, from this namespace only
    std::istringstream rest(name.substr(prefix.size()));
    std::string pid, start, ns, suffix;
    if (!std::getline(rest, pid, '-') || !std::getline(rest, start, '-') || !std::getline(rest, ns, '-') || !std::getline(rest, suffix) ||
        !all_digits(pid) || !all_digits(start) || ns != *namespace_id || suffix.size() != 6) {
      continue;
    }
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
    if (start_time(pid) == start) continue;  // its owner is running
    std::error_code rm;
    stdfs::remove_all(it->path(), rm);  // never follows a symlink inside
    if (rm) {
      log::debug("cannot remove the stale temporary directory {}: {}", it->path().string(), rm.message());
    } else {
      log::debug("removed {}, left by process {} which is gone", it->path().string(), pid);
    }
  }
}

}  // namespace mlops::scaffold
