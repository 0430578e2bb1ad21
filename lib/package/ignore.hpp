// SPDX-License-Identifier: MIT
// Which files of a listed directory a package leaves out: git's ignore rules (gitignore(5):
// nested .gitignore files, negation, .git/info/exclude, core.excludesFile, core.ignoreCase;
// tracked files are never ignored) for code and doc directories, and .mlopsignore files
// (the same syntax, applied on top of git's, to every directory layer).
//
// Written by hand rather than through libgit2's git_ignore_path_is_ignored(): that call
// re-stats every .gitignore on the path for each file (a cost per file on the build path
// that bench/package would show), knows nothing of tracked files, cannot read
// .mlopsignore, and needs a repository, where packages may be built outside one. The
// matching follows git's wildmatch and rule order and is tested against `git check-ignore`
// (tests/unit/test_package_ignore.cpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::package {

namespace stdfs = std::filesystem;

// git's wildmatch with WM_PATHNAME: '*' and '?' stop at '/', "**/" , "/**/" and a trailing
// "/**" span directories, "[...]" classes (ranges, '!' or '^', [:alpha:] and the other
// POSIX classes), '\' escapes. Bounded: a failed star never retries past a '/' it cannot
// cross, so hostile patterns stay polynomial.
bool wildmatch(std::string_view pattern, std::string_view text, bool icase = false);

struct IgnorePattern {
  std::string pattern;  // without '!', the leading '/' and the trailing '/'
  bool negated = false;
  bool dir_only = false;  // a trailing '/'
  bool anchored = false;  // a '/' at the start or in the middle: matched against the path below the file's directory
  int line = 0;
  // Most lines are a name ("build") or "*" and a suffix ("*.pyc"): compared without
  // wildmatch, as git does.
  enum class Shape { glob, literal, suffix } shape = Shape::glob;
};

struct IgnoreFile {
  std::string base;    // the directory it applies to, relative to the walk's root, "" or ending in '/'
  std::string source;  // for messages: "src/.gitignore", ".git/info/exclude"
  std::vector<IgnorePattern> patterns;
};

// Parses ignore-file text (blank lines and '#' comments skipped, "\#" and "\!" literal,
// trailing spaces dropped unless escaped). Lines past 4096 bytes are skipped, as git
// does with its own limit on pattern length.
IgnoreFile parse_ignore_file(std::string_view text, std::string base, std::string source);

// The last pattern of `file` that matches `path` (relative to the walk's root), or nullptr.
const IgnorePattern* last_match(const IgnoreFile& file, std::string_view path, bool is_dir, bool icase);

// The exclusions of one build.
class Exclusions {
 public:
  // `project`: the directory of mlops.yaml. Inside a git worktree, git's rules are read
  // (the worktree's .gitignore files as the walk meets them, info/exclude of the common
  // git directory, core.excludesFile or its default, core.ignoreCase, the index for the
  // tracked files); outside one, only .mlopsignore files apply.
  explicit Exclusions(const stdfs::path& project);
  ~Exclusions();
  Exclusions(const Exclusions&) = delete;
  Exclusions& operator=(const Exclusions&) = delete;

  // The rules in force inside one directory of the walk.
  struct Level;
  using LevelPtr = std::shared_ptr<const Level>;

  // The level of a listed directory (`rel` relative to the project): the ignore files of
  // every directory above it (from the worktree's root for .gitignore, from the project
  // for .mlopsignore) and its own. `git_rules` false: .mlopsignore only (weights, datasets).
  LevelPtr listed(const std::string& rel, bool git_rules) const;
  // The level of `rel`, a directory the walk enters below `parent` (not excluded itself).
  LevelPtr enter(const LevelPtr& parent, const std::string& rel) const;
  // Why `rel` (relative to the project; a child of `level`'s directory) is left out, as
  // "src/.gitignore:3: *.egg-info/", or nullopt to keep it.
  std::optional<std::string> excluded(const LevelPtr& level, const std::string& rel, bool is_dir) const;

  bool in_git() const noexcept { return m_in_git; }

 private:
  // The ignore file `name` in a directory (root-relative), if there is one.
  std::optional<IgnoreFile> read(const std::string& dir_from_root, const char* name) const;

  stdfs::path m_root;    // the worktree, or the project outside git
  std::string m_prefix;  // the project relative to m_root: "" or "sub/dir/"
  bool m_in_git = false;
  bool m_icase = false;
  std::vector<IgnoreFile> m_global;  // info/exclude, then core.excludesFile: checked in that order
  // Whether git tracks `path` (a directory: a file below it). The index is read the first
  // time a git rule would leave something out: most builds never need it.
  bool tracked(const std::string& path, bool is_dir) const;
  // What git's rules (without tracked files) say of `path` in `level`'s directory.
  std::optional<std::string> git_verdict(const Level* level, const std::string& path, bool is_dir) const;
  stdfs::path m_index_file;
  mutable std::optional<std::vector<std::string>> m_tracked;  // sorted, root-relative
};

}  // namespace mlops::package
