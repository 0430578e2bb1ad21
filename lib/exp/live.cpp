// SPDX-License-Identifier: MIT
#include "exp/live.hpp"

#include <mlops/fs.hpp>

#include <pwd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace mlops::exp {
namespace {

std::string read_trimmed(const std::string& path) {
  try {
    std::string s = fs::read_file(path);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  } catch (...) {
    return "";
  }
}

std::uint64_t start_time_of(int pid) {
  const std::string stat = read_trimmed("/proc/" + std::to_string(pid) + "/stat");
  // Field 2 (comm) may contain spaces and parentheses: count fields after the last ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  size_t pos = close + 2;
  for (int field = 3; field < 22 && pos < stat.size(); ++field) {
    pos = stat.find(' ', pos);
    if (pos == std::string::npos) return 0;
    ++pos;
  }
  return std::strtoull(stat.c_str() + pos, nullptr, 10);
}

}  // namespace

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string user_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return std::to_string(::getuid());
}

std::string os_description() {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

ProcessIdentity current_process() {
  ProcessIdentity p;
  p.pid = static_cast<int>(::getpid());
  p.boot_id = read_trimmed("/proc/sys/kernel/random/boot_id");
  p.start_time = start_time_of(p.pid);
  p.host = host_name();
  return p;
}

bool still_running(const ProcessIdentity& p) {
  if (p.host != host_name()) return true;
  if (p.pid <= 0) return false;
  if (!p.boot_id.empty() && p.boot_id != read_trimmed("/proc/sys/kernel/random/boot_id")) return false;
  const std::uint64_t now = start_time_of(p.pid);
  if (now == 0) return false;  // no such process
  // A zombie still has its /proc entry; its state field (3) is 'Z'.
  const std::string stat = read_trimmed("/proc/" + std::to_string(p.pid) + "/stat");
  const size_t close = stat.rfind(')');
  if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z') return false;
  return p.start_time == 0 || now == p.start_time;
}

}  // namespace mlops::exp
