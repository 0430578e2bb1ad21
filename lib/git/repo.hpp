// SPDX-License-Identifier: MIT
// Repository operations libmlops needs, on top of libgit2. Nothing here touches the user's
// HEAD, index or working tree unless the function says so.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct git_pathspec;
struct git_remote_callbacks;

namespace mlops::git {

struct Identity {
  std::string name;
  std::string email;
  bool configured = false;  // false: a fallback was made up from $USER and the host name
};

// GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else user.name/user.email from git config (the
// repository's when `repo_dir` is one, else global/system); empty strings when unset.
Identity configured_identity(const std::filesystem::path& repo_dir = {});

// The identity commits are made with: configured_identity() or the fallback.
Identity commit_identity(const std::filesystem::path& repo_dir = {});

// Working-tree root of the repository that contains `dir`, if any.
std::optional<std::filesystem::path> enclosing_worktree(const std::filesystem::path& dir);

struct Commit {
  std::string id;
  Identity author;
  std::vector<std::string> ignored;  // paths left out because .gitignore matches them
  bool unchanged = false;            // commit_paths: HEAD already has them as they are; no commit made
};

// `git init` in `dir` (honouring init.defaultBranch) and a first commit with every file
// that .gitignore does not exclude.
Commit init_and_commit_all(const std::filesystem::path& dir, const std::string& message);

// In the existing repository at `worktree`: a commit on top of HEAD (or a root commit when
// HEAD is unborn) that adds exactly `paths` (relative to the worktree, ignored ones left out),
// whatever else is staged; the current branch moves by compare-and-swap and `paths` are
// added to the index. Returns nullopt, changing nothing, when a merge or rebase is in
// progress or HEAD is detached. When HEAD already holds `paths` as they are, no (empty)
// commit is made: `unchanged` is set and `id` is HEAD.
std::optional<Commit> commit_paths(const std::filesystem::path& worktree, const std::vector<std::string>& paths,
                                   const std::string& message);

// Which of `paths` (relative to the worktree) hold uncommitted changes of a tracked file:
// modified or deleted in the working tree, or staged. Untracked and ignored files are not
// listed.
std::vector<std::string> uncommitted_changes(const std::filesystem::path& worktree, const std::vector<std::string>& paths);

// In the repository at `dir`: stages every change of the working tree as `git add -A` would
// (.gitignore honoured) and commits it on top of HEAD. Nullopt, and no commit, when the tree
// is HEAD's.
std::optional<Commit> commit_all_changes(const std::filesystem::path& dir, const std::string& message);

struct TreeFile {
  enum class Kind { file, symlink };
  std::string path;  // relative, '/'-separated
  Kind kind = Kind::file;
  bool executable = false;
  std::string content;  // file bytes, or the link target
};

struct FetchedTree {
  std::string commit;
  std::vector<TreeFile> files;
};

// Fetches `ref` (tag, branch, full ref name or commit id; the remote's HEAD when empty) from
// `url` (any transport libgit2 has: https, http, git, ssh, file paths) into a new bare
// repository in `work_dir` and reads its tree. Nothing is checked out, and the URL (it may
// hold credentials) is written nowhere. A hostile tree is refused: a path component that is
// empty, ".", "..", ".git" or holds '/', a name listed twice, nesting beyond PATH_MAX.
FetchedTree fetch_tree(const std::string& url, const std::string& ref, const std::filesystem::path& work_dir);

// Credentials and interrupt handling for fetch/push: ssh agent for ssh, user:password from
// the URL for http(s) (libgit2 applies those itself), cancel on SIGINT.
void set_remote_callbacks(::git_remote_callbacks& cb);

// git's wildmatch pathspecs ("*.png", "data/**", "!x" is not special here).
class Pathspec {
 public:
  explicit Pathspec(const std::vector<std::string>& patterns);
  ~Pathspec();
  Pathspec(const Pathspec&) = delete;
  Pathspec& operator=(const Pathspec&) = delete;
  bool matches(const std::string& path) const;
  bool empty() const noexcept { return m_spec == nullptr; }

 private:
  ::git_pathspec* m_spec = nullptr;
};

}  // namespace mlops::git
