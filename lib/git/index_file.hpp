// SPDX-License-Identifier: MIT
// A read-only parser of git's index file (.git/index: "DIRC" versions 2, 3 and 4, and the
// TREE extension of cached tree ids).
//
// Written by hand because recording a run reads the index on every `mlops exp run`, and
// libgit2's git_index_open() is the largest single cost there: on 20,000 entries it takes
// ~16 ms (an allocation and a hash-map insert per entry, a SHA-1 of the whole file), where
// this takes ~2 ms. We only ever read the index, never write it: the user's index is theirs.
// Like git itself, the trailing checksum is not verified on read; every length is checked.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::git {

using RawOid = std::array<unsigned char, 20>;  // a SHA-1 object id, binary

struct IndexEntry {
  std::string path;  // '/'-separated, relative to the worktree
  RawOid oid{};
  std::uint32_t mode = 0;  // 0100644, 0100755, 0120000 or 0160000
  std::uint32_t size = 0;  // the stat data git recorded, truncated to 32 bits as git does
  std::uint32_t mtime_s = 0, mtime_ns = 0, ctime_s = 0, ctime_ns = 0, ino = 0;
  std::uint8_t stage = 0;      // 0, or 1-3 for an unresolved merge conflict
  bool assume_valid = false;   // `git update-index --assume-unchanged`
  bool skip_worktree = false;  // sparse checkout: not in the working tree on purpose
  bool intent_to_add = false;  // `git add -N`
};

// One directory of the TREE extension: the id of the tree git last wrote for it, valid
// while entry_count >= 0 (git invalidates a directory and its parents on every change).
struct CachedTree {
  std::string path;  // "" for the root, else "a/b"
  std::int32_t entry_count = -1;
  RawOid oid{};
};

struct IndexFile {
  std::uint32_t version = 0;
  std::vector<IndexEntry> entries;  // in index order: by path, bytewise, then stage
  std::vector<CachedTree> trees;
};

// Error{invalid_input} naming what is wrong when `bytes` is not an index git could have
// written: bad signature or version, lengths past the end, unsafe paths ("..", ".git",
// absolute), or an extension git requires readers to understand (split or sparse index).
IndexFile parse_index(std::string_view bytes);

// parse_index() of the file; an empty index when it does not exist (a fresh repository).
IndexFile read_index(const std::filesystem::path& file);

}  // namespace mlops::git
