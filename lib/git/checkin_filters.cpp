// SPDX-License-Identifier: MIT
#include "git/checkin_filters.hpp"

#include "core/xdg.hpp"
#include "git/libgit2.hpp"

#include <cstdlib>

#include <sys/stat.h>

namespace mlops::git {
namespace {

bool file_exists(const std::filesystem::path& p) {
  struct stat st {};
  return !p.empty() && ::stat(p.c_str(), &st) == 0;
}

// The attribute files that apply to every path: $GIT_DIR/info/attributes, core.attributesFile
// (default $XDG_CONFIG_HOME/git/attributes) and the system one.
bool repository_wide_attributes(git_config* cfg, const std::filesystem::path& gitdir) {
  if (file_exists(gitdir / "info" / "attributes") || file_exists("/etc/gitattributes")) return true;
  Buf configured;
  if (cfg != nullptr && git_config_get_path(&configured.buf, cfg, "core.attributesfile") == 0) return file_exists(configured.str());
  const std::filesystem::path config = xdg::config_home();
  return !config.empty() && file_exists(config / "git" / "attributes");
}

// core.autocrlf true or input converts line endings of text files on the way in.
bool autocrlf(git_config* cfg) {
  if (cfg == nullptr) return true;  // unknown: assume the worst
  int value = 0;
  const int rc = git_config_get_bool(&value, cfg, "core.autocrlf");
  if (rc == GIT_ENOTFOUND) return false;
  return rc != 0 || value != 0;  // "input" is not a boolean: it converts too
}

}  // namespace

CheckinFilters::CheckinFilters(git_config* cfg, const std::filesystem::path& workdir, const std::filesystem::path& gitdir,
                               const std::vector<std::string>& tracked_attribute_files)
    : m_workdir(workdir) {
  m_everywhere = autocrlf(cfg) || repository_wide_attributes(cfg, gitdir);
  for (const auto& f : tracked_attribute_files) {
    const size_t slash = f.rfind('/');
    m_tracked_dirs.insert(slash == std::string::npos ? std::string() : f.substr(0, slash));
  }
}

bool CheckinFilters::dir_has_attributes(const std::string& dir) {
  auto [it, inserted] = m_memo.try_emplace(dir, false);
  if (inserted) it->second = m_tracked_dirs.count(dir) != 0 || file_exists(m_workdir / dir / ".gitattributes");
  return it->second;
}

bool CheckinFilters::may_apply(const std::string& path) {
  if (m_everywhere) return true;
  for (size_t slash = path.rfind('/'); slash != std::string::npos && slash != 0; slash = path.rfind('/', slash - 1)) {
    if (dir_has_attributes(path.substr(0, slash))) return true;
  }
  return dir_has_attributes("");
}

}  // namespace mlops::git
