// SPDX-License-Identifier: MIT
// Whether git could filter a file on its way into the repository (core.autocrlf, or
// .gitattributes: text/eol conversion, ident, filter drivers such as git-lfs). When none
// can, a file's blob id is the hash of its bytes and can be computed without libgit2's
// per-file filter setup, which costs ~0.2 ms a file (attribute lookups in every parent
// directory); when one can, the caller goes through libgit2 as `git add` would.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct git_config;

namespace mlops::git {

class CheckinFilters {
 public:
  // `cfg`: the repository's configuration (nullptr: unknown, so filters may apply anywhere).
  // `tracked_attribute_files`: the index's .gitattributes files, which apply even when they
  // are not in the working tree.
  CheckinFilters(git_config* cfg, const std::filesystem::path& workdir, const std::filesystem::path& gitdir,
                 const std::vector<std::string>& tracked_attribute_files);
  // False when no attribute file and no setting could apply a filter to `path` (relative).
  bool may_apply(const std::string& path);

 private:
  bool dir_has_attributes(const std::string& dir);

  std::filesystem::path m_workdir;
  bool m_everywhere = false;                       // autocrlf, or a repository-wide attributes file
  std::unordered_set<std::string> m_tracked_dirs;  // directories with a tracked .gitattributes
  std::unordered_map<std::string, bool> m_memo;    // directory -> has an attributes file
};

}  // namespace mlops::git
