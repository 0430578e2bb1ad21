// SPDX-License-Identifier: MIT
#include "exp/store.hpp"

#include "core/json.hpp"
#include "exp/record.hpp"
#include "git/repo.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/log.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <thread>

#include <sys/stat.h>

namespace mlops::exp {

using namespace mlops::git;

std::string oid_hex(const git_oid& id) { return git_oid_tostr_s(&id); }

git_oid parse_oid(const std::string& hex) {
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) != 0) throw Error(ErrorKind::invalid_input, "not an object id: '" + hex + "'");
  return id;
}

ProjectConfig read_config(const stdfs::path& project) {
  ProjectConfig c;
  const stdfs::path file = project / "mlops.yaml";
  std::error_code ec;
  if (!stdfs::exists(file, ec)) return c;
  YAML::Node root;
  try {
    root = YAML::Load(fs::read_file(file));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, file.string() + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  auto list = [&](const char* key, std::vector<std::string>& out) {
    const YAML::Node n = root[key];
    if (!n) return;
    out.clear();
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!item.IsScalar()) throw Error(ErrorKind::invalid_input, file.string() + ":" + std::to_string(item.Mark().line + 1) + ": '" + key + "' must list file names");
        out.push_back(item.Scalar());
      }
    } else {
      throw Error(ErrorKind::invalid_input, file.string() + ":" + std::to_string(n.Mark().line + 1) + ": '" + key + "' must be a list of file names");
    }
    for (const auto& p : out) {
      if (p.empty() || p[0] == '/' || stdfs::path(p).lexically_normal().string().rfind("..", 0) == 0) {
        throw Error(ErrorKind::invalid_input, file.string() + ": '" + p + "' in '" + key + "' must be a path inside the project");
      }
    }
  };
  if (root.IsMap()) {
    list("params", c.params);
    list("metrics", c.metrics);
    list("outputs", c.outputs);
  }
  return c;
}

Repo open_repo(const stdfs::path& cwd, bool need_head) {
  Repo r;
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, cwd.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    throw Error(ErrorKind::usage, "not a git repository (or any parent directory): " + cwd.string(),
                "experiments are stored in git; run 'git init' (or 'mlops init') first");
  }
  check(rc, "cannot open the git repository at " + cwd.string());
  r.repo.reset(raw);
  const char* wd = git_repository_workdir(raw);
  if (wd == nullptr) throw Error(ErrorKind::usage, "the repository at " + cwd.string() + " is bare; run experiments in a working tree");
  r.workdir = stdfs::path(wd).lexically_normal();
  if (!r.workdir.has_filename()) r.workdir = r.workdir.parent_path();
  r.gitdir = stdfs::path(git_repository_commondir(raw)).lexically_normal();
  if (!r.gitdir.has_filename()) r.gitdir = r.gitdir.parent_path();
  r.mlops_dir = r.gitdir / "mlops";
  if (need_head && git_repository_head_unborn(raw) == 1) {
    throw Error(ErrorKind::usage, "the repository has no commits yet", "commit your code first: experiments are snapshots on top of HEAD");
  }
  // The project is the nearest directory with an mlops.yaml, up to the worktree root.
  std::error_code ec;
  stdfs::path dir = stdfs::weakly_canonical(stdfs::absolute(cwd), ec);
  const stdfs::path root = stdfs::weakly_canonical(r.workdir, ec);
  r.project = r.workdir;
  for (stdfs::path p = dir; fs::is_within(root, p); p = p.parent_path()) {
    if (stdfs::exists(p / "mlops.yaml", ec)) {
      r.project = p;
      break;
    }
    if (p == root || p == p.parent_path()) break;
  }
  r.project_rel = stdfs::weakly_canonical(r.project, ec).lexically_relative(root).generic_string();
  if (r.project_rel == ".") r.project_rel.clear();
  r.config = read_config(r.project);
  return r;
}

std::optional<std::string> read_blob_at(Repo& r, const std::string& rev, const std::string& path) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r.get(), rev.c_str()) != 0) throw Error(ErrorKind::not_found, "unknown revision '" + rev + "'");
  ObjectPtr owner(obj);
  git_object* peeled = nullptr;
  check(git_object_peel(&peeled, obj, GIT_OBJECT_TREE), "'" + rev + "' has no tree");
  ObjectPtr tree(peeled);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, reinterpret_cast<git_tree*>(peeled), path.c_str()) != 0) return std::nullopt;
  TreeEntryPtr entry(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, r.get(), git_tree_entry_id(e)), "cannot read " + path);
  BlobPtr blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

namespace {

// One tracked file as the index knows it, and what the working tree says about it.
struct Tracked {
  std::string path;
  git_oid id;
  std::uint32_t mode, size;
  git_index_time mtime, ctime;
  std::uint32_t ino;
  enum class State { same, changed, deleted, racy } state = State::same;
};

bool after(const git_index_time& t, const struct timespec& index_mtime) {
  return static_cast<std::int64_t>(t.seconds) > index_mtime.tv_sec ||
         (static_cast<std::int64_t>(t.seconds) == index_mtime.tv_sec && static_cast<long>(t.nanoseconds) >= index_mtime.tv_nsec);
}

// git's stat check: an entry whose recorded stat data still matches the file is unchanged,
// unless it was written in the same instant as the index ("racily clean"): then only the
// content can tell.
void classify(std::string& path_buf, size_t prefix, Tracked& t, const struct timespec& index_mtime) {
  if (t.mode == GIT_FILEMODE_COMMIT) return;  // submodules are snapshotted at the recorded commit
  struct stat st {};
  path_buf.resize(prefix);
  path_buf += t.path;
  if (::lstat(path_buf.c_str(), &st) != 0) {
    t.state = Tracked::State::deleted;
    return;
  }
  const bool link = S_ISLNK(st.st_mode);
  const bool exec = (st.st_mode & S_IXUSR) != 0;
  const std::uint32_t mode = link ? GIT_FILEMODE_LINK : exec ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  if (!link && !S_ISREG(st.st_mode)) {
    t.state = Tracked::State::deleted;  // a directory or device where a file was: not content we can snapshot
    return;
  }
  const bool same = mode == t.mode && static_cast<std::uint32_t>(st.st_size) == t.size &&
                    static_cast<std::uint32_t>(st.st_mtim.tv_sec) == static_cast<std::uint32_t>(t.mtime.seconds) &&
                    static_cast<std::uint32_t>(st.st_mtim.tv_nsec) == t.mtime.nanoseconds &&
                    static_cast<std::uint32_t>(st.st_ctim.tv_sec) == static_cast<std::uint32_t>(t.ctime.seconds) &&
                    static_cast<std::uint32_t>(st.st_ino) == t.ino;
  if (!same) t.state = Tracked::State::changed;
  else if (after(t.mtime, index_mtime)) t.state = Tracked::State::racy;
}

}  // namespace

Snapshot snapshot(Repo& r, bool include_untracked, const std::string& message, const std::map<std::string, std::string>& replace) {
  Snapshot s;
  git_reference* head_ref = nullptr;
  check(git_repository_head(&head_ref, r.get()), "cannot read HEAD");
  ReferencePtr head(head_ref);
  git_object* head_commit_obj = nullptr;
  check(git_reference_peel(&head_commit_obj, head_ref, GIT_OBJECT_COMMIT), "cannot read the HEAD commit");
  ObjectPtr head_commit(head_commit_obj);
  s.baseline = oid_hex(*git_object_id(head_commit_obj));
  const git_oid head_tree_id = *git_commit_tree_id(reinterpret_cast<git_commit*>(head_commit_obj));

  // S is built in a private, in-memory copy of the index, read from the index file: its
  // cached trees make the tree write cheap, and it is never written back, so the user's
  // index is untouched.
  git_index* idx = nullptr;
  const int open_rc = git_index_open(&idx, (r.gitdir / "index").c_str());
  if (open_rc < 0) {
    check(git_index_new(&idx), "cannot create an in-memory index");  // no index file yet
  }
  IndexPtr index(idx);
  log::debug("snapshot: index read, {} entries", git_index_entrycount(idx));
  if (git_index_has_conflicts(idx)) {
    throw Error(ErrorKind::conflict, "the index has unresolved merge conflicts", "resolve them (git add) before recording a run");
  }

  struct stat index_st {};
  const struct timespec index_mtime = ::stat((r.gitdir / "index").c_str(), &index_st) == 0 ? index_st.st_mtim : timespec{0, 0};
  std::vector<Tracked> tracked(git_index_entrycount(idx));
  for (size_t i = 0; i < tracked.size(); ++i) {
    const git_index_entry* e = git_index_get_byindex(idx, i);
    tracked[i] = Tracked{e->path, e->id, e->mode, e->file_size, e->mtime, e->ctime, e->ino};
  }
  // Stat every tracked file on all cores, as git's preload-index does.
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), tracked.size() / 2048 + 1);
  std::vector<std::thread> pool;
  const std::string root = r.workdir.string() + "/";
  auto stat_share = [&](size_t part) {
    std::string buf = root;
    const size_t begin = tracked.size() * part / threads, end = tracked.size() * (part + 1) / threads;
    for (size_t i = begin; i < end; ++i) classify(buf, root.size(), tracked[i], index_mtime);
  };
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(stat_share, t);
  stat_share(0);
  for (auto& th : pool) th.join();
  log::debug("snapshot: working tree compared with the index");

  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, r.get()), "cannot open the object database");
  OdbPtr odb(odb_raw);
  for (const auto& t : tracked) {
    if (t.state == Tracked::State::same) continue;
    if (t.state == Tracked::State::deleted) {
      check(git_index_remove(idx, t.path.c_str(), 0), "cannot leave out " + t.path);
      s.changed.push_back(t.path);
      continue;
    }
    // Through the workdir so git's filters (autocrlf, clean) apply, as `git add` would.
    git_index_entry e{};
    git_oid id;
    const stdfs::path abs = r.workdir / t.path;
    std::error_code ec;
    const auto st = stdfs::symlink_status(abs, ec);
    if (stdfs::is_symlink(st)) {
      check(git_blob_create_from_disk(&id, r.get(), abs.c_str()), "cannot store " + t.path);
      e.mode = GIT_FILEMODE_LINK;
    } else {
      // Hash first (with git's filters): writing a blob goes through a temporary file even
      // when the object exists, and most "changed" files turn out to be already stored.
      check(git_repository_hashfile(&id, r.get(), t.path.c_str(), GIT_OBJECT_BLOB, nullptr), "cannot hash " + t.path);
      if (!git_odb_exists(odb.get(), &id)) {
        check(git_blob_create_from_workdir(&id, r.get(), t.path.c_str()), "cannot store " + t.path);
      }
      e.mode = (st.permissions() & stdfs::perms::owner_exec) != stdfs::perms::none ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
    }
    if (git_oid_equal(&id, &t.id) && e.mode == t.mode) continue;  // touched, not changed
    e.id = id;
    e.path = t.path.c_str();
    check(git_index_add(idx, &e), "cannot stage " + t.path);
    s.changed.push_back(t.path);
  }
  if (include_untracked) {
    git_status_options so;
    check(git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION), "libgit2");
    so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
    so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* sl = nullptr;
    check(git_status_list_new(&sl, r.get(), &so), "cannot list untracked files");
    StatusListPtr status(sl);
    for (size_t i = 0; i < git_status_list_entrycount(sl); ++i) {
      const git_status_entry* se = git_status_byindex(sl, i);
      if (!(se->status & GIT_STATUS_WT_NEW) || se->index_to_workdir == nullptr) continue;
      const std::string path = se->index_to_workdir->new_file.path;
      git_index_entry e{};
      git_oid id;
      check(git_blob_create_from_workdir(&id, r.get(), path.c_str()), "cannot store " + path);
      std::error_code ec;
      const auto perms = stdfs::status(r.workdir / path, ec).permissions();
      e.mode = (perms & stdfs::perms::owner_exec) != stdfs::perms::none ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
      e.id = id;
      e.path = path.c_str();
      check(git_index_add(idx, &e), "cannot stage " + path);
      s.changed.push_back(path);
    }
  }
  for (const auto& [path, content] : replace) {
    git_oid id;
    check(git_blob_create_from_buffer(&id, r.get(), content.data(), content.size()), "cannot store " + path);
    git_index_entry e{};
    e.id = id;
    e.path = path.c_str();
    e.mode = GIT_FILEMODE_BLOB;
    check(git_index_add(idx, &e), "cannot stage " + path);
  }

  log::debug("snapshot: {} changed files stored", s.changed.size());
  git_oid tree_id;
  check(git_index_write_tree_to(&tree_id, idx, r.get()), "cannot write the snapshot tree");
  log::debug("snapshot: tree written");
  if (git_oid_equal(&tree_id, &head_tree_id)) {
    s.commit = s.baseline;
    return s;
  }
  s.dirty = true;
  git_tree* tree_raw = nullptr;
  check(git_tree_lookup(&tree_raw, r.get(), &tree_id), "cannot read the snapshot tree");
  TreePtr tree(tree_raw);
  const auto who = commit_identity(r.workdir);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  SignaturePtr sig_owner(sig);
  const git_commit* parents[1] = {reinterpret_cast<git_commit*>(head_commit_obj)};
  git_oid commit_id;
  check(git_commit_create(&commit_id, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), tree_raw, 1, parents),
        "cannot write the snapshot commit");
  s.commit = oid_hex(commit_id);
  return s;
}

namespace {

void insert_blob(Repo& r, git_treebuilder* tb, const std::string& name, const std::string& content) {
  git_oid id;
  check(git_blob_create_from_buffer(&id, r.get(), content.data(), content.size()), "cannot store " + name);
  check(git_treebuilder_insert(nullptr, tb, name.c_str(), &id, GIT_FILEMODE_BLOB), "cannot add " + name);
}

git_oid write_subtree(Repo& r, const std::map<std::string, std::string>& files) {
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, r.get(), nullptr), "cannot build a tree");
  TreebuilderPtr tb(raw);
  for (const auto& [name, content] : files) insert_blob(r, raw, name, content);
  git_oid id;
  check(git_treebuilder_write(&id, raw), "cannot write a tree");
  return id;
}

std::string dump(const nlohmann::json& j) { return json_text(j, 2) + "\n"; }

// The subject, the Run-Id trailer, and the Mlops-Run trailer: run.json, params.json,
// metrics.json and artifacts.json as one line of compact JSON, so that a listing reads one object per run
// instead of five (the tree stays the full record).
std::string run_commit_message(const std::string& subject, const Run& run) {
  nlohmann::json summary = run_json(run);
  summary["params"] = run.params;
  summary["metrics"] = metrics_json(run);
  summary["artifacts"] = artifacts_json(run);
  return subject + "\n\nRun-Id: " + run.id + "\n" + k_summary_trailer + json_text(summary) + "\n";
}

}  // namespace

std::string write_run_commit(Repo& r, const Run& run, const RunFiles& files, const std::string& previous) {
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, r.get(), nullptr), "cannot build a tree");
  TreebuilderPtr tb(raw);
  insert_blob(r, raw, "run.json", dump(run_json(run)));
  insert_blob(r, raw, "params.json", dump(run.params));
  insert_blob(r, raw, "metrics.json", dump(metrics_json(run)));
  insert_blob(r, raw, "artifacts.json", dump(artifacts_json(run)));
  if (!files.series.empty()) {
    std::map<std::string, std::string> series;
    for (const auto& [metric, tsv] : files.series) series[series_file_name(metric)] = tsv;
    const git_oid sub = write_subtree(r, series);
    check(git_treebuilder_insert(nullptr, raw, "series", &sub, GIT_FILEMODE_TREE), "cannot add series/");
  }
  const git_oid logs = write_subtree(r, {{"stdout", files.stdout_log}, {"stderr", files.stderr_log}});
  check(git_treebuilder_insert(nullptr, raw, "logs", &logs, GIT_FILEMODE_TREE), "cannot add logs/");
  git_oid tree_id;
  check(git_treebuilder_write(&tree_id, raw), "cannot write the run tree");
  git_tree* tree = nullptr;
  check(git_tree_lookup(&tree, r.get(), &tree_id), "cannot read the run tree");
  TreePtr tree_owner(tree);

  const git_oid parent_id = parse_oid(run.snapshot);
  git_commit* parent = nullptr;
  check(git_commit_lookup(&parent, r.get(), &parent_id), "cannot read the snapshot commit");
  CommitPtr parent_owner(parent);
  const auto who = commit_identity(r.workdir);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  SignaturePtr sig_owner(sig);
  const std::string message = run_commit_message("mlops run " + run.name + ": " + run.status, run);
  CommitPtr previous_owner;
  const git_commit* parents[2] = {parent, nullptr};
  size_t nparents = 1;
  if (!previous.empty()) {
    const git_oid pid = parse_oid(previous);
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, r.get(), &pid), "cannot read the run's previous record");
    previous_owner.reset(pc);
    parents[nparents++] = pc;
  }
  git_oid id;
  check(git_commit_create(&id, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), tree, nparents, parents), "cannot write the run commit");
  return oid_hex(id);
}

std::string rewrite_run_json(Repo& r, const std::string& commit, const Run& run) {
  const git_oid id = parse_oid(commit);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read run commit " + commit);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read run tree " + commit);
  TreePtr tree_owner(t);
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, r.get(), t), "cannot build a tree");
  TreebuilderPtr tb(raw);
  insert_blob(r, raw, "run.json", dump(run_json(run)));
  git_oid tree_id;
  check(git_treebuilder_write(&tree_id, raw), "cannot write the run tree");
  git_tree* nt = nullptr;
  check(git_tree_lookup(&nt, r.get(), &tree_id), "cannot read the run tree");
  TreePtr new_tree(nt);
  const auto who = commit_identity(r.workdir);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  SignaturePtr sig_owner(sig);
  const git_commit* cparents[1] = {c};
  const std::string message = run_commit_message("mlops: annotate run " + run.name, run);
  git_oid out;
  check(git_commit_create(&out, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), nt, 1, cparents),
        "cannot write the run commit");
  return oid_hex(out);
}

std::string make_merge_commit(Repo& r, const std::string& source, const std::vector<std::string>& parent_ids) {
  const git_oid sid = parse_oid(source);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &sid), "cannot read " + source);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read the tree of " + source);
  TreePtr tree(t);
  std::vector<CommitPtr> owners;
  std::vector<const git_commit*> parents;
  for (const auto& p : parent_ids) {
    const git_oid pid = parse_oid(p);
    git_commit* pc = nullptr;
    check(git_commit_lookup(&pc, r.get(), &pid), "cannot read " + p);
    owners.emplace_back(pc);
    parents.push_back(pc);
  }
  const auto who = commit_identity(r.workdir);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  SignaturePtr sig_owner(sig);
  git_oid out;
  check(git_commit_create(&out, r.get(), nullptr, sig, sig, "UTF-8", git_commit_message(c), t, parents.size(), parents.data()),
        "cannot write a merge commit");
  return oid_hex(out);
}

void create_run_ref(Repo& r, const std::string& id, const std::string& commit) {
  const git_oid oid = parse_oid(commit);
  git_reference* ref = nullptr;
  const std::string name = k_ref_prefix + id;
  const int rc = git_reference_create(&ref, r.get(), name.c_str(), &oid, 0, "mlops: record run");
  if (rc == GIT_EEXISTS) throw Error(ErrorKind::conflict, "run " + id + " already exists");
  check(rc, "cannot create " + name);
  git_reference_free(ref);
}

bool move_run_ref(Repo& r, const std::string& id, const std::string& commit, const std::string& expected) {
  const git_oid oid = parse_oid(commit);
  const git_oid old = parse_oid(expected);
  git_reference* ref = nullptr;
  const std::string name = k_ref_prefix + id;
  const int rc = git_reference_create_matching(&ref, r.get(), name.c_str(), &oid, 1, &old, "mlops: update run");
  if (rc == GIT_EMODIFIED) return false;
  check(rc, "cannot update " + name);
  git_reference_free(ref);
  return true;
}

bool delete_run_ref(Repo& r, const std::string& id, const std::string& expected) {
  git_reference* ref = nullptr;
  const std::string name = k_ref_prefix + id;
  if (git_reference_lookup(&ref, r.get(), name.c_str()) != 0) return false;
  ReferencePtr owner(ref);
  if (git_reference_target(ref) == nullptr || oid_hex(*git_reference_target(ref)) != expected) return false;
  const int rc = git_reference_delete(ref);  // fails with GIT_EMODIFIED if it moved since the lookup
  if (rc == GIT_EMODIFIED) return false;
  check(rc, "cannot delete " + name);
  return true;
}

std::vector<RefEntry> list_run_refs(Repo& r) {
  std::vector<RefEntry> out;
  git_reference_iterator* it_raw = nullptr;
  const std::string glob = std::string(k_ref_prefix) + "*";
  check(git_reference_iterator_glob_new(&it_raw, r.get(), glob.c_str()), "cannot list runs");
  ReferenceIteratorPtr it(it_raw);
  git_reference* ref = nullptr;
  const size_t prefix = std::char_traits<char>::length(k_ref_prefix);
  while (git_reference_next(&ref, it_raw) == 0) {
    ReferencePtr owner(ref);
    const git_oid* target = git_reference_target(ref);
    if (target == nullptr) continue;
    const std::string name = git_reference_name(ref);
    out.push_back({name.substr(prefix), oid_hex(*target)});
  }
  std::sort(out.begin(), out.end(), [](const RefEntry& a, const RefEntry& b) { return a.id < b.id; });
  return out;
}

std::optional<std::string> read_run_file(Repo& r, const std::string& commit, const std::string& path) {
  return read_blob_at(r, commit, path);
}

Run read_run(Repo& r, const std::string& commit) {
  const git_oid id = parse_oid(commit);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read run commit " + commit);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read run tree " + commit);
  TreePtr tree(t);
  auto blob = [&](const char* name) -> std::optional<nlohmann::json> {
    const git_tree_entry* e = git_tree_entry_byname(t, name);
    if (e == nullptr) return std::nullopt;
    git_blob* b = nullptr;
    check(git_blob_lookup(&b, r.get(), git_tree_entry_id(e)), std::string("cannot read ") + name);
    BlobPtr bo(b);
    try {
      return nlohmann::json::parse(static_cast<const char*>(git_blob_rawcontent(b)),
                                   static_cast<const char*>(git_blob_rawcontent(b)) + git_blob_rawsize(b));
    } catch (const nlohmann::json::exception&) {
      throw Error(ErrorKind::invalid_input, "run commit " + commit + ": " + name + " is not valid JSON");
    }
  };
  Run run;
  const auto rj = blob("run.json");
  if (!rj) throw Error(ErrorKind::invalid_input, "commit " + commit + " is not a run (no run.json)");
  read_run_json(run, *rj, "run commit " + commit);
  if (auto p = blob("params.json"); p && p->is_object()) run.params = *p;
  if (auto m = blob("metrics.json")) read_metrics_json(run, *m);
  if (auto a = blob("artifacts.json")) read_artifacts_json(run, *a);
  run.commit = commit;
  return run;
}

void maybe_pack_refs(Repo& r) {
  std::error_code ec;
  const stdfs::path loose = r.gitdir / "refs" / "mlops" / "exps";
  size_t n = 0;
  for (auto it = stdfs::directory_iterator(loose, ec); !ec && it != stdfs::directory_iterator(); ++it) {
    if (++n > 256) break;
  }
  if (n <= 256) return;
  git_refdb* db = nullptr;
  if (git_repository_refdb(&db, r.get()) != 0) return;
  RefdbPtr owner(db);
  if (git_refdb_compress(db) != 0) log::debug("packing refs failed (another process may be packing)");
}

}  // namespace mlops::exp
