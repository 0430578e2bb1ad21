// SPDX-License-Identifier: MIT
#include "exp/store.hpp"

#include "config/project.hpp"
#include "core/json.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"
#include "git/repo.hpp"
#include "mlops/did_you_mean.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace mlops::exp {

using namespace mlops::git;

std::string oid_hex(const git_oid& id) { return git_oid_tostr_s(&id); }

SignaturePtr commit_signature(const Repo& r) {
  const auto who = commit_identity(r.workdir);
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, who.name.c_str(), who.email.c_str()), "invalid git identity");
  return SignaturePtr(sig);
}

git_oid parse_oid(const std::string& hex) {
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) != 0) throw Error(ErrorKind::invalid_input, "not an object id: '" + hex + "'");
  return id;
}

ProjectConfig read_config(const stdfs::path& project) {
  ProjectConfig c;
  const auto f = config::load_file(project / config::k_project_file);
  if (!f) return c;
  const YAML::Node& root = f->root;
  const stdfs::path& file = f->file;
  auto list = [&](const char* key, std::vector<std::string>& out) {
    const YAML::Node n = root[key];
    if (!n) return;
    out.clear();
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!item.IsScalar())
          throw Error(ErrorKind::invalid_input,
                      file.string() + ":" + std::to_string(item.Mark().line + 1) + ": '" + key + "' must list file names");
        out.push_back(item.Scalar());
      }
    } else {
      throw Error(ErrorKind::invalid_input,
                  file.string() + ":" + std::to_string(n.Mark().line + 1) + ": '" + key + "' must be a list of file names");
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
  r.index = stdfs::path(git_repository_path(raw)) / "index";
  if (need_head && git_repository_head_unborn(raw) == 1) {
    throw Error(ErrorKind::usage, "the repository has no commits yet", "commit your code first: experiments are snapshots on top of HEAD");
  }
  // The project is the nearest directory with an mlops.yaml (config's rule, the same for every
  // command), else the worktree root.
  std::error_code ec;
  const stdfs::path root = stdfs::weakly_canonical(r.workdir, ec);
  r.project = r.workdir;
  if (const auto found = config::find_project_root(cwd); found && fs::is_within(root, *found)) r.project = *found;
  r.project_rel = stdfs::weakly_canonical(r.project, ec).lexically_relative(root).generic_string();
  if (r.project_rel == ".") r.project_rel.clear();
  r.config = read_config(r.project);
  return r;
}

void throw_unknown_revision(Repo& r, const std::string& rev) {
  // The branches and tags closest to what was typed (a few thousand refs at most are read).
  std::vector<std::string> names;
  for (const char* glob : {"refs/heads/*", "refs/tags/*", "refs/remotes/*"}) {
    git_reference_iterator* raw = nullptr;
    if (git_reference_iterator_glob_new(&raw, r.get(), glob) != 0) continue;
    ReferenceIteratorPtr it(raw);
    git_reference* ref = nullptr;
    while (names.size() < 10000 && git_reference_next(&ref, raw) == 0) {
      ReferencePtr owner(ref);
      names.emplace_back(git_reference_shorthand(ref));
    }
  }
  const auto close = closest_names(rev, names);
  throw Error(ErrorKind::not_found, "unknown revision '" + printable(rev) + "'",
              close.empty() ? "give a branch, a tag or a commit" : did_you_mean(close));
}

std::optional<std::string> read_blob_at(Repo& r, const std::string& rev, const std::string& path) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r.get(), rev.c_str()) != 0) throw_unknown_revision(r, rev);
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
  summary["params"] = *run.params;
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
  insert_blob(r, raw, "params.json", dump(*run.params));
  insert_blob(r, raw, "metrics.json", dump(metrics_json(run)));
  insert_blob(r, raw, "artifacts.json", dump(artifacts_json(run)));
  if (!files.importances.empty()) insert_blob(r, raw, "importances.json", files.importances);
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
  const SignaturePtr sig_owner = commit_signature(r);
  git_signature* sig = sig_owner.get();
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
  check(git_commit_create(&id, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), tree, nparents, parents),
        "cannot write the run commit");
  return oid_hex(id);
}

TreePtr commit_tree(Repo& r, const std::string& commit, const std::string& what) {
  const git_oid id = parse_oid(commit);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read " + what);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read the tree of " + what);
  return TreePtr(t);
}

git_oid write_file_commit(Repo& r, const char* name, const std::string& text, const std::string& message, const std::string& parent,
                          const std::string& second_parent) {
  git_oid blob;
  check(git_blob_create_from_buffer(&blob, r.get(), text.data(), text.size()), std::string("cannot store ") + name);
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, r.get(), nullptr), "cannot build a tree");
  TreebuilderPtr tb(raw);
  check(git_treebuilder_insert(nullptr, raw, name, &blob, GIT_FILEMODE_BLOB), std::string("cannot add ") + name);
  git_oid tree_id;
  check(git_treebuilder_write(&tree_id, raw), "cannot write a tree");
  git_tree* tree = nullptr;
  check(git_tree_lookup(&tree, r.get(), &tree_id), "cannot read a tree");
  TreePtr tree_owner(tree);
  CommitPtr owners[2];
  const git_commit* parents[2] = {nullptr, nullptr};
  size_t n = 0;
  for (const std::string* id : {&parent, &second_parent}) {
    if (id->empty()) continue;
    git_commit* p = nullptr;
    const git_oid pid = parse_oid(*id);
    check(git_commit_lookup(&p, r.get(), &pid), "cannot read commit " + *id);
    owners[n].reset(p);
    parents[n++] = p;
  }
  const SignaturePtr sig = commit_signature(r);
  git_oid commit;
  check(git_commit_create(&commit, r.get(), nullptr, sig.get(), sig.get(), "UTF-8", message.c_str(), tree, n, parents),
        std::string("cannot commit ") + name);
  return commit;
}

std::string rewrite_run_json(Repo& r, const std::string& commit, const Run& run) {
  const git_oid id = parse_oid(commit);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read run commit " + commit);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read the tree of run commit " + commit);
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
  const SignaturePtr sig_owner = commit_signature(r);
  git_signature* sig = sig_owner.get();
  const git_commit* cparents[1] = {c};
  const std::string message = run_commit_message("mlops: annotate run " + run.name, run);
  git_oid out;
  check(git_commit_create(&out, r.get(), nullptr, sig, sig, "UTF-8", message.c_str(), nt, 1, cparents), "cannot write the run commit");
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
  const SignaturePtr sig_owner = commit_signature(r);
  git_signature* sig = sig_owner.get();
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

bool delete_ref_checked(Repo& r, const std::string& name, const std::string& expected, const std::string& within) {
  if (name.rfind(within, 0) != 0 || name.size() == within.size()) return false;
  git_reference* ref = nullptr;
  if (git_reference_lookup(&ref, r.get(), name.c_str()) == 0) {
    ReferencePtr owner(ref);
    const git_oid* target = git_reference_target(ref);
    if (!expected.empty() && (target == nullptr || oid_hex(*target) != expected)) return false;
    return git_reference_delete(ref) == 0;
  }
  // Not a ref libgit2 reads: only a plain file (or a symlink, itself) inside `within` goes.
  const stdfs::path base = (r.gitdir / within).lexically_normal();
  const stdfs::path file = (r.gitdir / name).lexically_normal();
  if (!fs::is_within(base, file) || file == base) return false;
  std::error_code ec;
  for (stdfs::path d = file.parent_path(); d.string().size() > base.string().size(); d = d.parent_path()) {
    if (stdfs::is_symlink(stdfs::symlink_status(d, ec))) return false;  // never through a link
  }
  const auto st = stdfs::symlink_status(file, ec);
  if (ec || !(stdfs::is_regular_file(st) || stdfs::is_symlink(st))) return false;
  if (stdfs::is_regular_file(st) && !expected.empty()) {
    std::string text;
    try {
      text = fs::read_file(file);
    } catch (const Error&) {
      return false;
    }
    if (text.rfind(expected, 0) != 0) return false;
  }
  return stdfs::remove(file, ec);
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

std::optional<std::string> read_run_file(Repo& r, const std::string& commit, const std::string& path, std::uint64_t limit) {
  const TreePtr tree = commit_tree(r, commit, "run commit " + commit);
  git_tree* t = tree.get();
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, t, path.c_str()) != 0) return std::nullopt;
  TreeEntryPtr entry(e);
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, r.get()), "cannot open the object database");
  const OdbPtr odb(raw);
  const auto h = object_header(raw, *git_tree_entry_id(e));
  if (!h || h->type != GIT_OBJECT_BLOB) throw Error(ErrorKind::invalid_input, "run commit " + commit + ": " + path + " is not a file");
  if (h->size > limit) {
    throw Error(ErrorKind::invalid_input,
                "run commit " + commit + ": " + path + " is " + std::to_string(h->size >> 20) + " MiB, more than mlops ever writes there");
  }
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, r.get(), git_tree_entry_id(e)), "cannot read " + path);
  BlobPtr blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

Run read_run(Repo& r, const std::string& commit) {
  const std::string where = "run commit " + commit;
  const git_oid id = parse_oid(commit);
  {
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, r.get()), "cannot open the object database");
    const OdbPtr odb(raw);
    const auto h = object_header(raw, id);
    if (!h) throw Error(ErrorKind::not_found, where + " is missing from the repository");
    if (h->type != GIT_OBJECT_COMMIT) throw Error(ErrorKind::invalid_input, commit + " is " + object_kind(h->type) + ", not a run commit");
    if (h->size > k_max_commit_bytes) throw Error(ErrorKind::invalid_input, where + " is too big to be a run");
  }
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read run commit " + commit);
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read run tree " + commit);
  TreePtr tree(t);
  // Every file is size-checked before it is read and depth-checked before it is parsed: the
  // record may come from anyone's repository.
  auto blob = [&](const char* name, std::uint64_t limit) -> std::optional<nlohmann::json> {
    const auto text = read_record_file(r, t, name, limit, where);
    if (!text) return std::nullopt;
    if (const auto problem = json_problem(*text); !problem.empty()) {
      throw Error(ErrorKind::invalid_input, where + ": " + name + " is " + problem);
    }
    return nlohmann::json::parse(*text);
  };
  Run run;
  const auto rj = blob("run.json", k_max_run_json_bytes);
  if (!rj) throw Error(ErrorKind::invalid_input, "commit " + commit + " is not a run (no run.json)");
  read_run_json(run, *rj, where);
  if (auto p = blob("params.json", k_max_values_bytes); p && p->is_object()) run.params = std::move(*p);
  if (auto m = blob("metrics.json", k_max_values_bytes)) read_metrics_json(run, *m);
  if (auto a = blob("artifacts.json", k_max_values_bytes)) read_artifacts_json(run, *a);
  run.commit = commit;
  return run;
}

void maybe_pack_refs(Repo& r) {
  // Every `exp run` reads all run refs twice (the second time under the names lock): each
  // loose one is a file to open, the packed ones are one read. 64 loose refs cost ~3 ms; a
  // repack rewrites packed-refs (~1 ms per 10,000 runs) once every 64 runs.
  constexpr size_t k_max_loose = 64;
  std::error_code ec;
  const stdfs::path loose = r.gitdir / "refs" / "mlops" / "exps";
  size_t n = 0;
  for (auto it = stdfs::directory_iterator(loose, ec); !ec && it != stdfs::directory_iterator(); ++it) {
    if (++n > k_max_loose) break;
  }
  if (n <= k_max_loose) return;
  git_refdb* db = nullptr;
  if (git_repository_refdb(&db, r.get()) != 0) return;
  RefdbPtr owner(db);
  if (git_refdb_compress(db) != 0) log::debug("packing refs failed (another process may be packing)");
}

}  // namespace mlops::exp
