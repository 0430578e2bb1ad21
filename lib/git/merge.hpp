// SPDX-License-Identifier: MIT
// What a template update needs from git: libgit2's 3-way file merge, unified diffs of two
// texts, rename detection between two file sets, the refs a remote advertises, and the
// steps that change the user's repository (status, index, commit by compare-and-swap).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops::git {

struct MergeLabels {
  std::string base, ours, theirs;
};
struct MergedFile {
  bool clean = false;   // no conflict: `content` is the merge
  std::string content;  // with conflict markers (diff3 style) when not clean
};
// git_merge_file on three texts; `favor_ours` resolves conflicting regions to ours (no markers).
MergedFile merge_file(const std::string& base, const std::string& ours, const std::string& theirs, const MergeLabels& labels,
                      bool favor_ours = false);

// Unified diff from `old_text` to `new_text` with a/PATH and b/PATH headers ("" when equal).
std::string unified_diff(const std::string& old_text, const std::string& new_text, const std::string& path);

// Files renamed between `before` and `after` (path -> content), as git's rename detection
// (git_diff_find_similar, 50% similarity) finds them: {old path, new path}. Blobs and trees
// are written into a scratch bare repository created in `scratch_dir`.
std::vector<std::pair<std::string, std::string>> find_renames(const std::map<std::string, std::string>& before,
                                                              const std::map<std::string, std::string>& after,
                                                              const std::filesystem::path& scratch_dir);

// The refs `url` advertises (name -> commit id, annotated tags peeled). URL credentials are
// used, never shown.
std::map<std::string, std::string> remote_refs(const std::string& url);

// ---- the user's repository ----

struct RepoState {
  std::filesystem::path worktree;  // with a trailing component, no trailing '/'
  std::filesystem::path git_dir;   // .git (or the worktree's gitdir)
  std::string branch;              // refs/heads/...; "" when HEAD is detached
  std::string head;                // commit id; "" when unborn
  bool busy = false;               // a merge, rebase, cherry-pick... is in progress
};
RepoState repo_state(const std::filesystem::path& worktree);

// Tracked files modified, deleted or staged (relative to the worktree); untracked ones not.
std::vector<std::string> dirty_files(const std::filesystem::path& worktree);

// Stores the file at `worktree/path` as a blob (as it is, no filters); its id.
std::string store_file(const std::filesystem::path& worktree, const std::string& path);
// The bytes of blob `id`.
std::string read_blob(const std::filesystem::path& worktree, const std::string& id);

// Stages `add` (as they are in the working tree) and removes `remove` from the index.
void stage(const std::filesystem::path& worktree, const std::vector<std::string>& add, const std::vector<std::string>& remove);

// Commits the index on top of HEAD; the branch moves only if it still points at
// `expected_head`. Returns the new commit id.
std::string commit_index(const std::filesystem::path& worktree, const std::string& message, const std::string& expected_head);

// Points `branch` at `id` again (abort); nothing when it already does.
void reset_branch(const std::filesystem::path& worktree, const std::string& branch, const std::string& id);

}  // namespace mlops::git
