// SPDX-License-Identifier: MIT
// The git side of experiments: opening the repository, building snapshot commits, writing
// run commits and moving refs/mlops/exps/<ULID> (create once, then compare-and-swap only).
#pragma once

#include "exp/values.hpp"
#include "git/libgit2.hpp"

#include <mlops/exp.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlops::exp {

inline constexpr const char* k_ref_prefix = "refs/mlops/exps/";
// Trailer of a run commit's message holding its listing summary (docs/formats.md).
inline constexpr const char* k_summary_trailer = "Mlops-Run: ";

struct ProjectConfig {
  std::vector<std::string> params{"params.yaml"};
  std::vector<std::string> metrics{"metrics.json"};
  std::vector<std::string> outputs;  // files or directories kept for isolated runs
};

// An opened repository and where everything is.
struct Repo {
  git::RepositoryPtr repo;
  stdfs::path workdir;      // worktree root
  stdfs::path gitdir;       // the common .git directory
  stdfs::path index;        // this worktree's index (a linked worktree has its own)
  stdfs::path mlops_dir;    // <gitdir>/mlops: live runs, cache, outputs, restore records
  stdfs::path project;      // the directory holding mlops.yaml (else the worktree root)
  std::string project_rel;  // project relative to workdir ("" or "sub/dir")
  ProjectConfig config;

  git_repository* get() const { return repo.get(); }
};

// Error{usage} outside a git repository or with no commit yet.
Repo open_repo(const stdfs::path& cwd, bool need_head = true);
ProjectConfig read_config(const stdfs::path& project);

std::string oid_hex(const git_oid& id);
// Author and committer of the commits mlops writes: the configured identity, now.
git::SignaturePtr commit_signature(const Repo& r);
git_oid parse_oid(const std::string& hex);

struct Snapshot {
  std::string commit;    // S
  std::string baseline;  // HEAD
  bool dirty = false;
  std::vector<std::string> changed;  // paths that differ from HEAD
};
// S = HEAD's tree plus the tracked files that differ in the working tree (and untracked,
// non-ignored files when asked), as `git add` would stage them (lib/exp/snapshot.cpp). The user's index is
// never written. `replace` swaps in blobs (path relative to workdir -> content).
// `scan`: the working tree compared with the index beforehand (scan_worktree), used when it
// is of this repository and the index has not changed since; the params files are looked
// at again, since mlops itself writes them.
struct WorktreeScan;
Snapshot snapshot(Repo& r, bool include_untracked, const std::string& message, const std::map<std::string, std::string>& replace = {},
                  std::shared_ptr<WorktreeScan> scan = {});
// The half of a snapshot that needs no libgit2: the index read and every tracked file
// lstat'ed. `exp run` does it while libgit2 loads on another thread. Error{conflict} on an
// unmerged index, Error{invalid_input} on one we cannot read.
std::shared_ptr<WorktreeScan> scan_worktree(const stdfs::path& workdir, const stdfs::path& index);
// Untracked, non-ignored files of the working tree, relative to it.
std::vector<std::string> untracked_files(Repo& r);

// Error{not_found} "unknown revision" suggesting the closest branches and tags.
[[noreturn]] void throw_unknown_revision(Repo& r, const std::string& rev);
// Content of `path` (relative to the workdir) in commit `rev`, if it exists.
std::optional<std::string> read_blob_at(Repo& r, const std::string& rev, const std::string& path);

// Files of the run commit besides the records: series/<key>.tsv and logs/.
struct RunFiles {
  std::map<std::string, std::string> series;  // metric -> TSV text
  std::string stdout_log, stderr_log;
  std::string importances;  // importances.json's text, or "" for none
};

// Writes a run commit and returns its id; objects only. Its first parent is the snapshot;
// `previous` (the "running" record it replaces) becomes a second parent, so the final
// record is a fast-forward of anything pushed while the run was going.
std::string write_run_commit(Repo& r, const Run& run, const RunFiles& files, const std::string& previous = {});
// The tree of a commit given by its hex id; `what` names it in errors ("snapshot X").
git::TreePtr commit_tree(Repo& r, const std::string& commit, const std::string& what);
// An annotation: a child of `commit` with the same tree except run.json, so that remotes
// that have `commit` take it as a fast-forward.
std::string rewrite_run_json(Repo& r, const std::string& commit, const Run& run);
// A commit with the tree and message of `source` and the given parents.
std::string make_merge_commit(Repo& r, const std::string& source, const std::vector<std::string>& parents);
// Creates refs/mlops/exps/<id>; Error{conflict} if it exists.
void create_run_ref(Repo& r, const std::string& id, const std::string& commit);
// Moves the ref from `expected` to `commit`; false if someone else moved it first.
bool move_run_ref(Repo& r, const std::string& id, const std::string& commit, const std::string& expected);
// Deletes the ref if it still points at `expected`.
bool delete_run_ref(Repo& r, const std::string& id, const std::string& expected);

// Deletes ref `name` (under `within`, e.g. refs/mlops/exps/) if it still points at `expected`
// ("" for a ref that holds no object id): through libgit2, or, for a loose file libgit2
// cannot parse (garbage, a name git would refuse), by unlinking that plain file. False when
// it moved meanwhile or cannot be deleted.
bool delete_ref_checked(Repo& r, const std::string& name, const std::string& expected, const std::string& within);

struct RefEntry {
  std::string id;
  std::string commit;
};
std::vector<RefEntry> list_run_refs(Repo& r);

// A commit (parents: `parent`, `second_parent`, each unless empty) whose tree is the one file
// `name` holding `text`, for the refs whose history is a file's (sweep manifests, aliases); its
// id. No ref moves.
git_oid write_file_commit(Repo& r, const char* name, const std::string& text, const std::string& message, const std::string& parent,
                          const std::string& second_parent = {});
// Reads run.json, params.json, metrics.json and artifacts.json of a run commit.
Run read_run(Repo& r, const std::string& commit);
// A whole file of a run commit (logs/stdout, series/x.tsv), if present; Error{invalid_input}
// when it is not a file or bigger than `limit`.
std::optional<std::string> read_run_file(Repo& r, const std::string& commit, const std::string& path, std::uint64_t limit = 64ULL << 20);

// git pack-refs --all once there are more than 64 loose refs under refs/mlops/exps.
void maybe_pack_refs(Repo& r);

}  // namespace mlops::exp
