// SPDX-License-Identifier: MIT
// Where a template's symlinks lead, judged in the project as it will be once published: the
// planned entries, plus what an existing target already holds (--force). Links are followed
// one step at a time inside that virtual project, as the kernel would follow them from the
// final location; never through the real filesystem around the staging directory, and never
// lexically (sub/z -> .. makes "sub/z/.." the project's parent).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace mlops::scaffold {

struct ProjectEntries {
  // Paths relative to the project root, '/'-separated, no empty, "." or ".." components.
  std::map<std::string, std::string> links;  // path -> link target
  std::set<std::string> files;
  std::set<std::string> dirs;  // every directory the plan implies
  // The target when it exists already; entries the plan does not replace are read from it
  // (lstat and readlink only).
  std::filesystem::path existing;
};

// Adds a planned file or link at `path` and its parent directories.
void add_parents(ProjectEntries& e, const std::string& path);

// Nullopt when the link at `path` (a key of `e.links`) leads to a place inside the project,
// else why not, as the end of "symlink to 'T' ...". A link that cannot be resolved (a loop,
// too many hops, a component missing or not a directory) counts as leading outside, and so
// does one into a .git directory.
std::optional<std::string> link_problem(const ProjectEntries& e, const std::string& path);

}  // namespace mlops::scaffold
