// SPDX-License-Identifier: MIT
// exp apply: the run's code (and, for isolated runs, its kept outputs) into the workspace,
// never over uncommitted work unless --force, and then only after saving it.
#include "core/fd.hpp"
#include "core/sha256.hpp"
#include "exp/query.hpp"
#include "exp/store.hpp"
#include "exp/ulid.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlops::exp {

using namespace mlops::git;

namespace {

std::vector<std::string> uncommitted(Repo& r) {
  git_status_options so;
  check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
  so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* sl = nullptr;
  check(git_status_list_new(&sl, r.get(), &so), "cannot compute the working tree status");
  StatusListPtr owner(sl);
  std::vector<std::string> out;
  for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
    const git_status_entry* e = git_status_byindex(sl, i);
    if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
    const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    if (d) out.push_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  return out;
}

// Untracked files at paths the snapshot has: a forced checkout overwrites them.
std::vector<std::string> untracked_in_the_way(Repo& r, const std::string& snapshot) {
  const TreePtr tree = commit_tree(r, snapshot, "snapshot " + snapshot);
  git_tree* t = tree.get();
  std::vector<std::string> out;
  for (auto& path : untracked_files(r)) {
    git_tree_entry* te = nullptr;
    if (git_tree_entry_bypath(&te, t, path.c_str()) != 0) continue;
    git_tree_entry_free(te);
    out.push_back(std::move(path));
  }
  return out;
}

struct Notified {
  std::vector<std::string> written, removed, conflicts;
};

int on_notify(git_checkout_notify_t why, const char* path, const git_diff_file*, const git_diff_file* target, const git_diff_file*,
              void* payload) {
  auto* n = static_cast<Notified*>(payload);
  if (why == GIT_CHECKOUT_NOTIFY_CONFLICT) {
    n->conflicts.push_back(path);
  } else {
    (target != nullptr && target->mode != 0 ? n->written : n->removed).push_back(path);
  }
  return 0;
}

bool same_content(const stdfs::path& a, const stdfs::path& b) {
  std::error_code ec;
  const auto sa = stdfs::file_size(a, ec);
  if (ec || sa != stdfs::file_size(b, ec) || ec) return false;
  return sha256_file(a).sha256 == sha256_file(b).sha256;
}

// Which of `paths` (relative to the workdir) git ignores and does not track: files neither
// a commit nor a stash can save, so `exp apply` saves them itself before replacing them.
std::set<std::string> ignored_untracked(Repo& r, const std::vector<std::string>& paths) {
  std::set<std::string> out;
  if (paths.empty()) return out;
  std::vector<char*> specs;
  for (const auto& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
  git_status_options so;
  check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
  so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  so.flags = GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH |
             GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  so.pathspec.strings = specs.data();
  so.pathspec.count = specs.size();
  git_status_list* sl = nullptr;
  check(git_status_list_new(&sl, r.get(), &so), "cannot compute the working tree status");
  StatusListPtr owner(sl);
  for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
    const git_status_entry* e = git_status_byindex(sl, i);
    if ((e->status & GIT_STATUS_IGNORED) != 0 && e->index_to_workdir != nullptr) out.insert(e->index_to_workdir->new_file.path);
  }
  return out;
}

// `src` copied over `dst` through a temporary file beside it: readers see the old file or
// the new one; memory stays flat whatever the size.
void copy_atomic(const stdfs::path& src, const stdfs::path& dst) {
  std::string tmpl = (dst.parent_path() / ("." + dst.filename().string() + ".tmp-XXXXXX")).string();
  Fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
  if (!fd) throw_errno("cannot create a temporary file in " + dst.parent_path().string());
  const stdfs::path tmp = tmpl;
  try {
    std::error_code ec;
    stdfs::copy_file(src, tmp, stdfs::copy_options::overwrite_existing, ec);
    if (ec) throw Error(ErrorKind::io, "cannot write " + dst.string() + ": " + ec.message());
    Fd out(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC));
    if (!out || ::fsync(out.get()) != 0) throw_errno("cannot sync " + tmp.string());
    if (::rename(tmp.c_str(), dst.c_str()) != 0) throw_errno("cannot rename into " + dst.string());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  fs::fsync_dir(dst.parent_path());
}

// Saves the file at `path` as `saved` (a hard link when `link` is allowed: the file about to
// be replaced by a rename keeps its inode there; a copy otherwise, or where links fail),
// durably, before it is replaced. libgit2's checkout may rewrite a file in place: no link.
void save_file(const stdfs::path& path, const stdfs::path& saved, bool link = true) {
  std::error_code ec;
  stdfs::create_directories(saved.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + saved.parent_path().string() + ": " + ec.message());
  if (!link || ::link(path.c_str(), saved.c_str()) != 0) {
    stdfs::copy_file(path, saved, stdfs::copy_options::none, ec);
    if (ec) throw Error(ErrorKind::io, "cannot save " + path.string() + " as " + saved.string() + ": " + ec.message());
    Fd fd(::open(saved.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0) throw_errno("cannot sync " + saved.string());
  }
  fs::fsync_dir(saved.parent_path());
}

// Files of the snapshot's tree (repo-relative) that exist in the working tree as git-ignored,
// untracked files with other content: the checkout replaces them (libgit2 overwrites ignored
// files even in SAFE mode), and neither a commit nor a stash holds them.
std::vector<std::string> ignored_the_snapshot_replaces(Repo& r, const std::string& snapshot) {
  std::vector<std::pair<TreePtr, std::string>> pending;  // a stack, not recursion: trees may be deep
  pending.emplace_back(commit_tree(r, snapshot, "snapshot " + snapshot), "");
  std::vector<std::string> present;
  std::map<std::string, git_oid> ids;
  while (!pending.empty()) {
    auto [tree, prefix] = std::move(pending.back());
    pending.pop_back();
    for (size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
      const std::string path = prefix + git_tree_entry_name(e);
      struct stat st {};
      if (::lstat((r.workdir / path).c_str(), &st) != 0) continue;  // nothing there to lose
      if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
        if (!S_ISDIR(st.st_mode)) continue;
        git_tree* sub = nullptr;
        check(git_tree_lookup(&sub, r.get(), git_tree_entry_id(e)), "cannot read the tree of snapshot " + snapshot);
        pending.emplace_back(TreePtr(sub), path + "/");
      } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
        present.push_back(path);
        ids[path] = *git_tree_entry_id(e);
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& path : ignored_untracked(r, present)) {
    git_oid now;
    if (git_odb_hashfile(&now, (r.workdir / path).c_str(), GIT_OBJECT_BLOB) == 0 && git_oid_equal(&now, &ids[path]) != 0) continue;
    out.push_back(path);
  }
  return out;
}

// The directory of a kept output must be reached without a symlink, in the snapshot about to
// be checked out or in the workspace as it is: a path inside the project by its letters
// ('evil/model.bin') leaves it through 'evil -> ..', and a pulled record chooses both. Checked
// before anything is written.
void check_no_symlink_on_the_way(Repo& r, const std::string& snapshot, const std::string& path, const std::string& run_name) {
  const TreePtr tree = commit_tree(r, snapshot, "snapshot " + snapshot);
  git_tree* t = tree.get();
  const stdfs::path rel = stdfs::path(path).lexically_normal();
  stdfs::path prefix;
  for (auto it = rel.begin(); it != rel.end() && std::next(it) != rel.end(); ++it) {
    prefix /= *it;
    const std::string in_repo = r.project_rel.empty() ? prefix.generic_string() : r.project_rel + "/" + prefix.generic_string();
    bool link = false;
    git_tree_entry* te = nullptr;
    if (git_tree_entry_bypath(&te, t, in_repo.c_str()) == 0) {
      link = git_tree_entry_filemode(te) == GIT_FILEMODE_LINK;
      git_tree_entry_free(te);
    }
    struct stat st {};
    if (::lstat((r.project / prefix).c_str(), &st) == 0 && S_ISLNK(st.st_mode)) link = true;
    if (link) {
      throw Error(
          ErrorKind::invalid_input,
          "run " + run_name + " records a kept output that is not valid: " + path + " (" + prefix.generic_string() + " is a symlink)",
          "kept outputs are written only through real directories of the project");
    }
  }
}

}  // namespace

ApplyResult apply(const stdfs::path& cwd, const std::string& spec, bool force) {
  Repo r = open_repo(cwd);
  std::string commit;
  resolve_run(r, spec, &commit);
  const Run run = read_run(r, commit);
  ApplyResult res;

  // Everything that could be lost is checked (and saved) before anything is written.
  const auto dirty = uncommitted(r);
  std::vector<std::pair<stdfs::path, stdfs::path>> outputs;  // stored copy -> workspace path
  std::vector<std::string> clobbered;
  for (const auto& a : run.artifacts) {
    if (!a.kept) continue;
    // A pulled run's record is someone else's text: its paths must stay in the project.
    if (a.sha256.size() != 64 || a.sha256.find_first_not_of("0123456789abcdef") != std::string::npos || a.path.empty() ||
        stdfs::path(a.path).is_absolute() || !fs::is_within(r.project, r.project / a.path) ||
        stdfs::path(a.path).lexically_normal() == ".") {
      throw Error(ErrorKind::invalid_input, "run " + run.name + " records a kept output that is not valid: " + a.path);
    }
    check_no_symlink_on_the_way(r, run.snapshot, a.path, run.name);
    const stdfs::path stored = r.mlops_dir / "outputs" / "sha256" / a.sha256.substr(0, 2) / a.sha256;
    std::error_code ec;
    if (!stdfs::exists(stored, ec))
      throw Error(ErrorKind::not_found, "the kept output " + a.path + " of run " + run.name + " is gone (was 'exp gc' run?)");
    const stdfs::path dst = r.project / a.path;
    if (stdfs::exists(stdfs::symlink_status(dst, ec)) && !same_content(stored, dst)) clobbered.push_back(a.path);
    outputs.emplace_back(stored, dst);
  }
  // Ignored files (models/model.joblib after `make train`) can be neither committed nor
  // stashed: they are saved as files and replaced, with or without --force.
  std::vector<std::string> in_the_way;
  {
    std::vector<std::string> rel;
    for (const auto& p : clobbered) rel.push_back(r.project_rel.empty() ? p : r.project_rel + "/" + p);
    const std::set<std::string> ignored = ignored_untracked(r, rel);
    std::vector<std::string> others;
    for (size_t i = 0; i < clobbered.size(); ++i) (ignored.count(rel[i]) ? in_the_way : others).push_back(clobbered[i]);
    clobbered = std::move(others);
  }
  if ((!dirty.empty() || !clobbered.empty()) && !force) {
    std::string list;
    for (const auto& p : dirty) list += (list.empty() ? "" : ", ") + p;
    for (const auto& p : clobbered) list += (list.empty() ? "" : ", ") + p;
    throw Error(ErrorKind::conflict, "uncommitted changes would be overwritten: " + list,
                "commit or stash them, or pass --force to save them under refs/mlops/backup/ first");
  }
  // Without --force the checkout below refuses an untracked file in the way; with it, such
  // a file is overwritten, so it goes into the backup too.
  const bool untracked_at_risk = force && !untracked_in_the_way(r, run.snapshot).empty();
  if (!dirty.empty() || !clobbered.empty() || untracked_at_risk) {
    const std::string id = new_ulid();
    std::map<std::string, std::string> extra;
    for (const auto& p : clobbered) {
      const std::string rel = r.project_rel.empty() ? p : r.project_rel + "/" + p;
      extra[rel] = fs::read_file(r.project / p);
    }
    const Snapshot s = snapshot(r, true, "mlops backup before applying run " + run.name + "\n", extra);
    const git_oid oid = parse_oid(s.commit);
    git_reference* ref = nullptr;
    res.backup_ref = "refs/mlops/backup/" + id;
    check(git_reference_create(&ref, r.get(), res.backup_ref.c_str(), &oid, 0, "mlops: backup before exp apply"), "cannot save the backup");
    git_reference_free(ref);
  }

  // Ignored files the checkout would replace: saved as files first, like kept outputs below.
  for (const auto& path : ignored_the_snapshot_replaces(r, run.snapshot)) {
    const std::string rel = r.project_rel.empty()                     ? path
                            : path.rfind(r.project_rel + "/", 0) == 0 ? path.substr(r.project_rel.size() + 1)
                                                                      : path;
    if (res.backup_dir.empty()) res.backup_dir = (r.mlops_dir / "backup" / new_ulid()).string();
    save_file(r.workdir / path, stdfs::path(res.backup_dir) / rel, false);
    res.saved.push_back(rel);
  }

  git_object* obj = nullptr;
  const git_oid sid = parse_oid(run.snapshot);
  check(git_object_lookup(&obj, r.get(), &sid, GIT_OBJECT_COMMIT), "cannot read snapshot " + run.snapshot);
  ObjectPtr owner(obj);
  git_checkout_options co;
  check(git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION), "libgit2");
  // Without --force, SAFE: an untracked file in the way is a conflict, found before any write.
  co.checkout_strategy = (force ? GIT_CHECKOUT_FORCE : GIT_CHECKOUT_SAFE) | GIT_CHECKOUT_DONT_UPDATE_INDEX;
  Notified n;
  co.notify_flags = GIT_CHECKOUT_NOTIFY_UPDATED | GIT_CHECKOUT_NOTIFY_CONFLICT;
  co.notify_cb = on_notify;
  co.notify_payload = &n;
  const int rc = git_checkout_tree(r.get(), obj, &co);
  if (rc == GIT_ECONFLICT || (!n.conflicts.empty() && rc < 0)) {
    std::string list;
    for (const auto& p : n.conflicts) list += (list.empty() ? "" : ", ") + p;
    throw Error(ErrorKind::conflict, "files in the way would be overwritten: " + list,
                "move them, or pass --force to save them under refs/mlops/backup/ first");
  }
  check(rc, "cannot write the run's files");
  res.written = n.written;
  res.removed = n.removed;

  if (!in_the_way.empty()) {
    if (res.backup_dir.empty()) res.backup_dir = (r.mlops_dir / "backup" / new_ulid()).string();
    for (const auto& p : in_the_way) {
      if (std::find(res.saved.begin(), res.saved.end(), p) != res.saved.end()) continue;  // saved before the checkout
      save_file(r.project / p, stdfs::path(res.backup_dir) / p);
      res.saved.push_back(p);
    }
  }
  for (const auto& [stored, dst] : outputs) {
    std::error_code ec;
    stdfs::create_directories(dst.parent_path(), ec);
    copy_atomic(stored, dst);
    res.outputs.push_back(dst.lexically_relative(r.project).generic_string());
  }
  return res;
}

}  // namespace mlops::exp
