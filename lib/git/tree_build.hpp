// SPDX-License-Identifier: MIT
// Writes the tree objects for a list of files, reusing the ids of directories known to be
// unchanged (the index's cached trees). Snapshots use it instead of a libgit2 git_index:
// loading one costs more than everything else a run records (see git/index_file.hpp).
#pragma once

#include "git/index_file.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct git_odb;

namespace mlops::git {

struct TreeItem {
  std::string path;        // '/'-separated, relative to the root
  std::uint32_t mode = 0;  // 0100644, 0100755, 0120000 or 0160000
  RawOid oid{};
};

// The id of the root tree of `items`, which must be sorted by path (bytewise) without
// duplicates. `cached(dir)` ("" is the root, else "a/b") may return the id of a directory
// whose files are exactly those it had when that id was written; nullptr to build it.
// Only trees not already in `odb` are written.
RawOid write_trees(git_odb* odb, const std::vector<TreeItem>& items, const std::function<const RawOid*(std::string_view dir)>& cached);

}  // namespace mlops::git
