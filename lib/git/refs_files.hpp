// SPDX-License-Identifier: MIT
// Reading a repository's refs straight from .git (packed-refs plus loose files), without
// libgit2. Why by hand: `mlops exp list` on a warm cache must not pay for starting libgit2
// (its mbedTLS setup parses the system's CA certificates: ~8 ms) and loading its 22
// libraries (~4 ms) just to learn which runs exist. Anything unusual (reftable, a symbolic
// ref, an unreadable file) returns nullopt, and the caller asks libgit2 instead.
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

// (name, object id) of every ref whose name starts with `prefix`, sorted by name.
std::optional<std::vector<std::pair<std::string, std::string>>> read_refs(const std::filesystem::path& gitdir,
                                                                         const std::string& prefix);

}  // namespace mlops::git
