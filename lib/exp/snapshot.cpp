// SPDX-License-Identifier: MIT
// Snapshot commits: HEAD's tree plus the working tree's version of every tracked file. Like
// `git status`, it reads the index once and lstat()s every tracked file, hashing only those
// whose stat data moved; unlike `git add`, it never writes the user's index. Trees are
// rewritten only for directories that changed: the others keep the ids cached in the index.
#include "exp/store.hpp"

#include "core/fd.hpp"
#include "core/worker_pool.hpp"
#include "git/checkin_filters.hpp"
#include "git/index_file.hpp"
#include "git/repo.hpp"
#include "git/tree_build.hpp"

#include <mlops/error.hpp>
#include "core/log.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <sys/stat.h>

namespace mlops::exp {

using namespace mlops::git;

enum class FileState : std::uint8_t { same, changed, deleted };

struct WorktreeScan {
  stdfs::path workdir, index_path;
  struct timespec index_mtime {};
  IndexFile index;
  std::vector<FileState> states;  // one per index entry
  bool trust_exec_bit = true;
};

namespace {

using State = FileState;

git_oid to_git(const RawOid& r) {
  git_oid id;
  std::memcpy(id.id, r.data(), r.size());
  return id;
}
RawOid to_raw(const git_oid& id) {
  RawOid r;
  std::memcpy(r.data(), id.id, r.size());
  return r;
}

// git's racy-clean rule, at its (default) one-second granularity: a file modified in the
// second the index was written, or later, may have changed again without its stat data
// showing it (a rename can reuse the inode and keep size and mtime; the ctime git compares is
// whole seconds). Nanoseconds would miss such a file that git itself catches.
bool racily_clean(std::uint32_t mtime_s, const struct timespec& index_mtime) {
  return static_cast<std::int64_t>(mtime_s) >= index_mtime.tv_sec;
}

// The mode git records for a file. With core.fileMode false (a filesystem without a usable
// executable bit) a regular file keeps the mode the index has, and a new one is 100644.
std::uint32_t mode_of(const struct stat& st, bool trust_exec_bit, std::uint32_t index_mode) {
  if (S_ISLNK(st.st_mode)) return GIT_FILEMODE_LINK;
  if (!trust_exec_bit) return index_mode == GIT_FILEMODE_BLOB_EXECUTABLE ? index_mode : std::uint32_t{GIT_FILEMODE_BLOB};
  return (st.st_mode & S_IXUSR) != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

// git's stat check: an entry whose recorded stat data still matches the file is unchanged,
// unless it was written in the same second as the index ("racily clean"): then only the
// content can tell, so it counts as changed and gets hashed.
State classify(const IndexEntry& e, const struct stat& st, bool found, bool trust_exec_bit, const struct timespec& index_mtime) {
  if (!found) return State::deleted;
  if (!S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) return State::deleted;  // a directory or device now: no content to keep
  if (e.intent_to_add) return State::changed;                               // `git add -N`: the index has no content for it yet
  const bool same = mode_of(st, trust_exec_bit, e.mode) == e.mode && static_cast<std::uint32_t>(st.st_size) == e.size &&
                    static_cast<std::uint32_t>(st.st_mtim.tv_sec) == e.mtime_s &&
                    static_cast<std::uint32_t>(st.st_mtim.tv_nsec) == e.mtime_ns &&
                    static_cast<std::uint32_t>(st.st_ctim.tv_sec) == e.ctime_s && static_cast<std::uint32_t>(st.st_ino) == e.ino;
  if (!same) return State::changed;
  return racily_clean(e.mtime_s, index_mtime) ? State::changed : State::same;
}

// lstat()s the files of one directory after another, relative to an open descriptor of
// their directory: the kernel then walks one path component per file instead of all of them,
// which is most of the cost of a stat on a deep tree.
class DirStat {
 public:
  explicit DirStat(const stdfs::path& workdir) : m_root(workdir.string()) {}
  bool lstat(const std::string& path, struct stat& st) {
    const size_t slash = path.rfind('/');
    const std::string_view dir = slash == std::string::npos ? std::string_view() : std::string_view(path).substr(0, slash);
    if (!m_open || dir != m_dir) {
      m_dir = dir;
      m_open = true;
      m_fd = Fd(::open(dir.empty() ? m_root.c_str() : (m_root + "/" + m_dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    if (!m_fd) return false;  // the directory is gone, or is a file now
    return ::fstatat(m_fd.get(), path.c_str() + (slash == std::string::npos ? 0 : slash + 1), &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

 private:
  std::string m_root, m_dir;
  bool m_open = false;
  Fd m_fd;
};

// Stat every tracked file on all cores, as git's preload-index does.
std::vector<State> compare_with_worktree(const std::vector<IndexEntry>& entries, const stdfs::path& workdir, bool trust_exec_bit,
                                         const struct timespec& index_mtime) {
  std::vector<State> states(entries.size(), State::same);
  // Chunks of 2048 entries in index order: a chunk's files share directories (one open each).
  constexpr size_t k_chunk = 2048;
  parallel_for((entries.size() + k_chunk - 1) / k_chunk, [&](size_t chunk, unsigned) {
    DirStat dirs(workdir);
    const size_t end = std::min(entries.size(), (chunk + 1) * k_chunk);
    for (size_t i = chunk * k_chunk; i < end; ++i) {
      const IndexEntry& e = entries[i];
      // Submodules are snapshotted at the recorded commit; skip-worktree files are not in
      // the working tree on purpose, and assume-unchanged ones are declared unchanged.
      if (e.mode == GIT_FILEMODE_COMMIT || e.skip_worktree || e.assume_valid) continue;
      struct stat st {};
      const bool found = dirs.lstat(e.path, st);
      states[i] = classify(e, st, found, trust_exec_bit, index_mtime);
    }
  });
  return states;
}

// Streams a file into the object database without filters: no whole-file buffer for big ones.
git_oid write_blob_from_file(git_odb* odb, const std::string& abs, const std::string& rel) {
  Fd fd(::open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) throw_errno("cannot read " + rel);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot read " + rel);
  git_odb_stream* raw = nullptr;
  check(git_odb_open_wstream(&raw, odb, static_cast<git_object_size_t>(st.st_size), GIT_OBJECT_BLOB), "cannot store " + rel);
  OdbStreamPtr stream(raw);
  std::vector<char> buf(1 << 20);
  off_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read " + rel);
    if (n == 0) break;
    if ((total += n) > st.st_size) break;
    check(git_odb_stream_write(raw, buf.data(), static_cast<size_t>(n)), "cannot store " + rel);
  }
  if (total != st.st_size) throw Error(ErrorKind::conflict, rel + " changed while the snapshot was being taken", "run again");
  git_oid id;
  check(git_odb_stream_finalize_write(&id, raw), "cannot store " + rel);
  return id;
}

// The blob id and mode of a working-tree file, stored in the object database if new. False
// when the file is gone. `mode` comes in as the index's (0 for a new file).
bool store_worktree_file(Repo& r, git_odb* odb, CheckinFilters& filters, bool trust_exec_bit, const std::string& rel, git_oid& id,
                         std::uint32_t& mode) {
  const std::string abs = (r.workdir / rel).string();
  struct stat st {};
  if (::lstat(abs.c_str(), &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))) return false;
  mode = mode_of(st, trust_exec_bit, mode);
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    const ssize_t n = ::readlink(abs.c_str(), target.data(), target.size());
    if (n < 0) return false;
    target.resize(static_cast<size_t>(n));
    check(git_odb_write(&id, odb, target.data(), target.size(), GIT_OBJECT_BLOB), "cannot store " + rel);
    return true;
  }
  if (filters.may_apply(rel)) {
    // Through libgit2 so git's filters (autocrlf, clean) apply, as `git add` would. Hash
    // first: writing goes through a temporary file even when the object exists.
    check(git_repository_hashfile(&id, r.get(), rel.c_str(), GIT_OBJECT_BLOB, nullptr), "cannot hash " + rel);
    if (!git_odb_exists(odb, &id)) check(git_blob_create_from_workdir(&id, r.get(), rel.c_str()), "cannot store " + rel);
    return true;
  }
  check(git_odb_hashfile(&id, abs.c_str(), GIT_OBJECT_BLOB), "cannot hash " + rel);
  if (!git_odb_exists(odb, &id)) id = write_blob_from_file(odb, abs, rel);
  return true;
}

bool is_attributes_file(const std::string& path) {
  static constexpr std::string_view name = ".gitattributes";
  return path.size() >= name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
         (path.size() == name.size() || path[path.size() - name.size() - 1] == '/');
}

std::shared_ptr<WorktreeScan> scan_with(const stdfs::path& workdir, const stdfs::path& index_path, bool trust_exec_bit) {
  auto scan = std::make_shared<WorktreeScan>();
  scan->workdir = workdir;
  scan->index_path = index_path;
  scan->trust_exec_bit = trust_exec_bit;
  struct stat index_st {};
  if (::stat(index_path.c_str(), &index_st) == 0) scan->index_mtime = index_st.st_mtim;
  scan->index = read_index(index_path);
  log::debug("snapshot: index read, {} entries", scan->index.entries.size());
  for (const auto& e : scan->index.entries) {
    if (e.stage != 0) {
      throw Error(ErrorKind::conflict, "the index has unresolved merge conflicts", "resolve them (git add) before recording a run");
    }
  }
  scan->states = compare_with_worktree(scan->index.entries, workdir, trust_exec_bit, scan->index_mtime);
  log::debug("snapshot: working tree compared with the index");
  return scan;
}

bool same_file(const stdfs::path& a, const stdfs::path& b) {
  std::error_code ec;
  return a == b || stdfs::equivalent(a, b, ec);
}

// A scan taken before the repository was opened is of this working tree and index, with the
// same core.fileMode, and the index has not been rewritten since.
bool scan_still_holds(const WorktreeScan* scan, const Repo& r, bool trust_exec_bit) {
  if (scan == nullptr || scan->trust_exec_bit != trust_exec_bit) return false;
  if (!same_file(scan->workdir, r.workdir) || !same_file(scan->index_path, r.index)) return false;
  struct stat st {};
  const struct timespec now = ::stat(r.index.c_str(), &st) == 0 ? st.st_mtim : timespec{0, 0};
  return now.tv_sec == scan->index_mtime.tv_sec && now.tv_nsec == scan->index_mtime.tv_nsec;
}

// mlops itself writes the params files after the scan (-S overrides, restoring those of a run
// that died): they are hashed whatever their stat data says.
void recheck_params_files(WorktreeScan& scan, const Repo& r) {
  for (const auto& p : r.config.params) {
    const std::string rel = stdfs::path(r.project_rel.empty() ? p : r.project_rel + "/" + p).lexically_normal().generic_string();
    for (size_t i = 0; i < scan.index.entries.size(); ++i) {
      if (scan.index.entries[i].path == rel) scan.states[i] = State::changed;
    }
  }
}

}  // namespace

std::vector<std::string> untracked_files(Repo& r) {
  git_status_options so;
  check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
  so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
  so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* sl = nullptr;
  check(git_status_list_new(&sl, r.get(), &so), "cannot list untracked files");
  StatusListPtr status(sl);
  std::vector<std::string> out;
  for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
    const git_status_entry* se = git_status_byindex(sl, i);
    if ((se->status & GIT_STATUS_WT_NEW) != 0 && se->index_to_workdir != nullptr) out.emplace_back(se->index_to_workdir->new_file.path);
  }
  return out;
}

std::shared_ptr<WorktreeScan> scan_worktree(const stdfs::path& workdir, const stdfs::path& index) {
  return scan_with(workdir, index, true);
}

Snapshot snapshot(Repo& r, bool include_untracked, const std::string& message, const std::map<std::string, std::string>& replace,
                  std::shared_ptr<WorktreeScan> scan) {
  Snapshot s;
  git_reference* head_ref = nullptr;
  check(git_repository_head(&head_ref, r.get()), "cannot read HEAD");
  ReferencePtr head(head_ref);
  git_object* head_commit_obj = nullptr;
  check(git_reference_peel(&head_commit_obj, head_ref, GIT_OBJECT_COMMIT), "cannot read the HEAD commit");
  ObjectPtr head_commit(head_commit_obj);
  s.baseline = oid_hex(*git_object_id(head_commit_obj));
  const git_oid head_tree_id = *git_commit_tree_id(reinterpret_cast<git_commit*>(head_commit_obj));

  git_config* cfg_raw = nullptr;
  if (git_repository_config_snapshot(&cfg_raw, r.get()) != 0) cfg_raw = nullptr;
  ConfigPtr cfg(cfg_raw);
  int filemode = 1;
  if (cfg_raw != nullptr && git_config_get_bool(&filemode, cfg_raw, "core.filemode") != 0) filemode = 1;
  const bool trust_exec_bit = filemode != 0;
  if (!scan_still_holds(scan.get(), r, trust_exec_bit)) {
    scan = scan_with(r.workdir, r.index, trust_exec_bit);
  } else {
    recheck_params_files(*scan, r);
    log::debug("snapshot: the scan taken while libgit2 loaded holds");
  }
  IndexFile& index = scan->index;
  const std::vector<State>& states = scan->states;

  std::vector<std::string> attribute_files;
  for (const auto& e : index.entries) {
    if (is_attributes_file(e.path)) attribute_files.push_back(e.path);
  }
  CheckinFilters filters(cfg_raw, r.workdir, r.gitdir, attribute_files);
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, r.get()), "cannot open the object database");
  OdbPtr odb(odb_raw);

  // The directories whose cached tree no longer describes them.
  std::unordered_set<std::string> stale;
  auto invalidate = [&](const std::string& path) {
    for (size_t slash = path.rfind('/'); slash != std::string::npos; slash = slash == 0 ? std::string::npos : path.rfind('/', slash - 1)) {
      if (!stale.insert(path.substr(0, slash)).second) return;  // its parents are in already
    }
    stale.insert("");
  };
  std::vector<TreeItem> items;
  items.reserve(index.entries.size() + replace.size());
  for (size_t i = 0; i < index.entries.size(); ++i) {
    IndexEntry& e = index.entries[i];
    if (states[i] == State::same) {
      items.push_back(TreeItem{std::move(e.path), e.mode, e.oid});
      continue;
    }
    git_oid id;
    std::uint32_t mode = e.mode;
    if (states[i] == State::deleted || !store_worktree_file(r, odb.get(), filters, trust_exec_bit, e.path, id, mode)) {
      invalidate(e.path);
      s.changed.push_back(std::move(e.path));
      continue;
    }
    const bool same = !e.intent_to_add && mode == e.mode && std::memcmp(id.id, e.oid.data(), e.oid.size()) == 0;  // touched only
    if (!same) {
      invalidate(e.path);
      s.changed.push_back(e.path);
    }
    items.push_back(TreeItem{std::move(e.path), mode, to_raw(id)});
  }
  size_t added = 0;
  if (include_untracked) {
    for (auto& path : untracked_files(r)) {
      git_oid id;
      std::uint32_t mode = 0;
      if (!store_worktree_file(r, odb.get(), filters, trust_exec_bit, path, id, mode)) continue;
      invalidate(path);
      s.changed.push_back(path);
      items.push_back(TreeItem{std::move(path), mode, to_raw(id)});
      ++added;
    }
  }
  for (const auto& [path, content] : replace) {
    git_oid id;
    check(git_odb_write(&id, odb.get(), content.data(), content.size(), GIT_OBJECT_BLOB), "cannot store " + path);
    invalidate(path);
    items.push_back(TreeItem{path, GIT_FILEMODE_BLOB, to_raw(id)});
    ++added;
  }
  auto by_path = [](const TreeItem& a, const TreeItem& b) { return a.path < b.path; };
  if (added > 0 || !std::is_sorted(items.begin(), items.end(), by_path)) {
    // Later items win: a replacement over a tracked file, keeping the file's mode.
    std::stable_sort(items.begin(), items.end(), by_path);
    std::vector<TreeItem> unique;
    unique.reserve(items.size());
    for (auto& it : items) {
      if (!unique.empty() && unique.back().path == it.path) {
        const std::uint32_t mode = unique.back().mode;
        unique.back() = std::move(it);
        if (mode == GIT_FILEMODE_BLOB_EXECUTABLE && unique.back().mode == GIT_FILEMODE_BLOB) unique.back().mode = mode;
      } else {
        unique.push_back(std::move(it));
      }
    }
    items = std::move(unique);
  }
  log::debug("snapshot: {} changed files stored", s.changed.size());

  std::unordered_map<std::string_view, const RawOid*> cached;
  for (const auto& t : index.trees) {
    if (t.entry_count >= 0) cached.emplace(t.path, &t.oid);
  }
  const RawOid root = write_trees(odb.get(), items, [&](std::string_view dir) -> const RawOid* {
    const auto it = cached.find(dir);
    if (it == cached.end() || stale.count(std::string(dir)) != 0) return nullptr;
    return it->second;
  });
  const git_oid tree_id = to_git(root);
  log::debug("snapshot: tree written");
  if (git_oid_equal(&tree_id, &head_tree_id)) {
    s.commit = s.baseline;
    return s;
  }
  s.dirty = true;
  git_tree* tree_raw = nullptr;
  check(git_tree_lookup(&tree_raw, r.get(), &tree_id), "cannot read the snapshot tree");
  TreePtr tree(tree_raw);
  const SignaturePtr sig_owner = commit_signature(r);
  git_signature* sig = sig_owner.get();
  const git_commit* parents[1] = {reinterpret_cast<git_commit*>(head_commit_obj)};
  git_oid commit_id;
  check(git_commit_create(&commit_id, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), tree_raw, 1, parents),
        "cannot write the snapshot commit");
  s.commit = oid_hex(commit_id);
  return s;
}

}  // namespace mlops::exp
