// SPDX-License-Identifier: MIT
// Changing runs and bringing them back: rm, tag, apply, branch, gc.
#include "exp/cache.hpp"
#include "exp/live.hpp"
#include "exp/live_log.hpp"
#include "exp/query.hpp"
#include "exp/record_check.hpp"
#include "exp/store.hpp"
#include "exp/ulid.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <algorithm>
#include <set>

namespace mlops::exp {

using namespace mlops::git;

std::vector<std::string> remove(const stdfs::path& cwd, const std::vector<std::string>& specs) {
  Repo r = open_repo(cwd, false);
  // Resolve everything first: a typo in the third name must not leave two removed.
  std::vector<std::pair<std::string, std::string>> targets;
  for (const auto& s : specs) {
    std::string commit;
    const std::string id = resolve_run(r, s, &commit);
    targets.emplace_back(id, commit);
  }
  std::vector<std::string> removed;
  for (const auto& [id, commit] : targets) {
    if (!delete_run_ref(r, id, commit))
      throw Error(ErrorKind::conflict, "run " + id + " changed while removing it; nothing else was removed after it");
    removed.push_back(id);
  }
  return removed;
}

Run tag(const stdfs::path& cwd, const std::string& spec, const std::vector<std::string>& add, const std::vector<std::string>& drop) {
  Repo r = open_repo(cwd, false);
  for (const auto& t : add) {
    const bool control = std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (t.empty() || control || t.find_first_of(" ,") != std::string::npos) {
      throw Error(ErrorKind::usage, "invalid tag '" + printable(t) + "'", "tags are single words, without control characters");
    }
  }
  std::string commit;
  const std::string id = resolve_run(r, spec, &commit);
  for (int attempt = 0; attempt < 10; ++attempt) {
    Run run = read_run(r, commit);
    const auto before = run.tags;
    for (const auto& t : add) {
      if (std::find(run.tags.begin(), run.tags.end(), t) == run.tags.end()) run.tags.push_back(t);
    }
    for (const auto& t : drop) run.tags.erase(std::remove(run.tags.begin(), run.tags.end(), t), run.tags.end());
    if (run.tags == before) return run;
    const std::string next = rewrite_run_json(r, commit, run);
    if (move_run_ref(r, id, next, commit)) {
      run.commit = next;
      return run;
    }
    resolve_run(r, id, &commit);  // someone else moved it: start again from theirs
  }
  throw Error(ErrorKind::conflict, "run " + id + " keeps changing; tag not applied");
}

std::string branch(const stdfs::path& cwd, const std::string& spec, const std::string& name) {
  Repo r = open_repo(cwd, false);
  std::string commit;
  resolve_run(r, spec, &commit);
  const Run run = read_run(r, commit);
  const git_oid id = parse_oid(run.snapshot);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r.get(), &id), "cannot read snapshot " + run.snapshot);
  CommitPtr owner(c);
  // git refuses these too (`git check-ref-format --branch`); libgit2 takes '@' and fails on
  // HEAD with a generic error.
  if (name == "HEAD" || name == "@") throw Error(ErrorKind::usage, "'" + name + "' is not a valid branch name");
  git_reference* ref = nullptr;
  const int rc = git_branch_create(&ref, r.get(), name.c_str(), c, 0);
  if (rc == GIT_EEXISTS) throw Error(ErrorKind::conflict, "branch '" + name + "' exists", "choose another name");
  if (rc == GIT_EINVALIDSPEC) throw Error(ErrorKind::usage, "'" + name + "' is not a valid branch name");
  check(rc, "cannot create branch " + name);
  ReferencePtr ref_owner(ref);
  return run.snapshot;
}

GcResult gc(const stdfs::path& cwd) { return gc(cwd, GcOptions{}); }

GcResult gc(const stdfs::path& cwd, const GcOptions& options) {
  Repo r = open_repo(cwd, false);
  GcResult g;
  std::error_code ec;
  RunIndex index = load_runs(r, false);  // gc reports the invalid refs itself
  // A listing checks a run's summary; gc also looks at its files (size, nesting, snapshot).
  std::vector<InvalidRef> invalid = index.invalid;
  for (const auto& c : index.runs) {
    std::string problem = check_run_commit(r, c.commit, c.id);
    if (!problem.empty()) invalid.push_back({std::string(k_ref_prefix) + c.id, c.commit, std::move(problem)});
  }
  // Outputs and live directories of every listed run are kept, even of one pruned now: they
  // go with the next gc, once nothing names them.
  const auto& runs = index.runs;
  for (const auto& bad : invalid) {
    const std::string line = printable(bad.ref) + ": " + bad.reason;
    if (options.prune_invalid && delete_ref_checked(r, bad.ref, bad.commit, k_ref_prefix)) g.pruned.push_back(line);
    else g.invalid_kept.push_back(line);
  }
  std::set<std::string> kept_outputs;
  for (const auto& c : runs) {
    const nlohmann::json j = nlohmann::json::parse(c.json);
    for (const auto& a : j.value("artifacts", nlohmann::json::array())) {
      if (a.value("kept", false)) kept_outputs.insert(a.value("sha256", ""));
    }
  }
  auto dead = [&](const std::string& id) {
    for (const auto& c : runs) {
      if (c.id != id) continue;
      const nlohmann::json j = nlohmann::json::parse(c.json);
      if (j.value("status", "") != "running") return true;
      // The cached record omits process details; read them from the run commit.
      const Run full = read_run(r, c.commit);
      return !still_running({full.pid, full.boot_id, full.pid_start, full.host});
    }
    return true;  // no ref at all
  };
  for (const char* sub : {"live", "worktrees"}) {
    const stdfs::path dir = r.mlops_dir / sub;
    if (!stdfs::is_directory(dir, ec)) continue;
    for (const auto& e : stdfs::directory_iterator(dir, ec)) {
      const std::string id = e.path().filename().string();
      if (!is_ulid(id) || !dead(id)) continue;
      stdfs::remove_all(e.path(), ec);
      (std::string(sub) == "live" ? g.live_dirs : g.worktrees)++;
    }
  }
  const stdfs::path outputs = r.mlops_dir / "outputs" / "sha256";
  if (stdfs::is_directory(outputs, ec)) {
    for (const auto& shard : stdfs::directory_iterator(outputs, ec)) {
      for (const auto& f : stdfs::directory_iterator(shard.path(), ec)) {
        if (kept_outputs.count(f.path().filename().string())) continue;
        stdfs::remove(f.path(), ec);
        ++g.outputs;
      }
    }
  }
  // The listing cache of an older mlops (exps-v1) is never read again.
  stdfs::remove(r.mlops_dir / "cache" / "exps-v1", ec);
  git_refdb* db = nullptr;
  if (git_repository_refdb(&db, r.get()) == 0) {
    RefdbPtr owner(db);
    g.packed = git_refdb_compress(db) == 0;
  }
  if (!g.pruned.empty()) load_runs(r, false);  // the cache forgets them now, not at the next listing
  return g;
}

}  // namespace mlops::exp
