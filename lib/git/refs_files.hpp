// SPDX-License-Identifier: MIT
// Reading a repository's refs straight from .git (packed-refs plus loose files), without
// libgit2. Why by hand: `mlops exp list` on a warm cache must not pay for starting libgit2
// (its mbedTLS setup parses the system's CA certificates: ~8 ms) and loading its 22
// libraries (~4 ms) just to learn which runs exist. A ref store we do not read (reftable),
// an unreadable packed-refs or directory returns nullopt, and the caller asks libgit2
// instead; a single bad ref is reported by name.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::git {

struct RepoDirs {
  std::filesystem::path workdir;          // the working tree root
  std::filesystem::path gitdir;           // the common git directory (shared by worktrees)
  std::filesystem::path worktree_gitdir;  // this working tree's own (HEAD, index): gitdir unless linked
};

// Finds the repository around `cwd` the way git does for a plain working tree: a `.git`
// directory, or a `.git` file pointing at one (worktrees, submodules).
std::optional<RepoDirs> find_repo_dirs(const std::filesystem::path& cwd);

struct RefList {
  std::vector<std::pair<std::string, std::string>> refs;  // (name, object id), sorted by name
  // (name, what is wrong) for refs under the prefix that hold no object id: a loose file
  // with other content (a symbolic ref, garbage), a symlink or a special file, a packed line
  // that does not parse. Listing them lets callers skip them by name instead of failing.
  std::vector<std::pair<std::string, std::string>> bad;
};

// Every ref whose name starts with `prefix`.
std::optional<RefList> read_refs(const std::filesystem::path& gitdir, const std::string& prefix);

}  // namespace mlops::git
