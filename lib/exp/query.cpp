// SPDX-License-Identifier: MIT
// Reading runs: listing with the filter language, resolving RUN arguments, showing one.
#include "exp/cache.hpp"
#include "exp/filter.hpp"
#include "exp/live.hpp"
#include "exp/record.hpp"
#include "exp/store.hpp"
#include "exp/ulid.hpp"
#include "git/refs_files.hpp"

#include "core/json.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace mlops::exp {

using namespace mlops::git;

nlohmann::json to_json(const Run& r) {
  nlohmann::json j = run_json(r);
  j.erase("schema");
  j.erase("process");
  j["commit"] = r.commit;
  j["params"] = r.params;
  j["metrics"] = metrics_json(r);
  j["artifacts"] = artifacts_json(r);
  return j;
}

namespace {

Run from_json(const nlohmann::json& j) {
  Run r;
  nlohmann::json run = j;
  run["schema"] = k_run_schema;
  read_run_json(r, run, "cache");
  if (auto p = j.find("params"); p != j.end() && p->is_object()) r.params = *p;
  if (auto m = j.find("metrics"); m != j.end()) read_metrics_json(r, *m);
  if (auto a = j.find("artifacts"); a != j.end()) read_artifacts_json(r, *a);
  r.commit = j.value("commit", "");
  return r;
}

// Recorded "running" but its process is gone: it crashed. A cached record has no process
// details (to_json drops them): they come from the run commit.
void settle_status(Repo& repo, Run& r) {
  if (r.status != "running") return;
  if (r.pid == 0 && !r.commit.empty()) {
    const Run full = read_run(repo, r.commit);
    r.pid = full.pid;
    r.boot_id = full.boot_id;
    r.pid_start = full.pid_start;
  }
  ProcessIdentity p{r.pid, r.boot_id, r.pid_start, r.host};
  if (!still_running(p)) r.status = "crashed";
}

std::set<std::string, std::less<>> recent_history(Repo& r, size_t depth) {
  std::set<std::string, std::less<>> out;
  git_revwalk* w = nullptr;
  if (git_revwalk_new(&w, r.get()) != 0) return out;
  RevwalkPtr walk(w);
  git_reference* head = nullptr;
  if (git_repository_head(&head, r.get()) != 0) return out;
  ReferencePtr head_owner(head);
  git_object* c = nullptr;
  if (git_reference_peel(&c, head, GIT_OBJECT_COMMIT) != 0) return out;
  ObjectPtr commit(c);
  git_revwalk_push(w, git_object_id(c));
  git_oid id;
  while (out.size() < depth && git_revwalk_next(&id, w) == 0) out.insert(oid_hex(id));
  return out;
}

constexpr size_t k_recent_depth = 50;

}  // namespace

std::optional<nlohmann::json> field(const Run& r, const std::string& name) {
  auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
  if (starts("params.")) {
    auto it = r.params.find(name.substr(7));
    if (it == r.params.end()) return std::nullopt;
    return *it;
  }
  if (starts("metrics.")) {
    const std::string key = name.substr(8);
    if (auto it = r.metrics.find(key); it != r.metrics.end()) return it->second.last;
    const size_t dot = key.rfind('.');
    if (dot != std::string::npos) {
      auto it2 = r.metrics.find(key.substr(0, dot));
      if (it2 != r.metrics.end()) {
        const std::string part = key.substr(dot + 1);
        const Metric& m = it2->second;
        if (part == "last") return m.last;
        if (part == "min") return m.min;
        if (part == "max") return m.max;
        if (part == "step") return m.step;
        if (part == "count") return m.count;
      }
    }
    return std::nullopt;
  }
  if (name == "id") return r.id;
  if (name == "name") return r.name;
  if (name == "status") return r.status;
  if (name == "exit_code") return r.exit_code ? nlohmann::json(*r.exit_code) : nlohmann::json(nullptr);
  if (name == "baseline") return r.baseline;
  if (name == "snapshot") return r.snapshot;
  if (name == "commit") return r.commit;
  if (name == "dirty") return r.dirty;
  if (name == "started" || name == "created") return r.started;
  if (name == "ended") return r.ended;
  if (name == "duration") return r.duration;
  if (name == "host") return r.host;
  if (name == "user") return r.user;
  if (name == "sweep") return r.sweep;
  if (name == "note") return r.note;
  if (name == "tags") return r.tags;
  if (name == "command") {
    std::string s;
    for (const auto& a : r.argv) s += (s.empty() ? "" : " ") + a;
    return s;
  }
  return std::nullopt;
}

std::vector<Run> list(const stdfs::path& cwd, const ListOptions& o) {
  Repo r = open_repo(cwd, false);
  const Filter filter = Filter::parse(o.filter);  // parse before any work: errors come first
  const RunIndex index = load_runs(r);
  const auto& all = index.runs;
  std::set<std::string, std::less<>> scope;
  if (!o.all) scope = recent_history(r, k_recent_depth);

  std::vector<Run> runs;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {  // newest first
    if (!o.all && scope.count(it->baseline) == 0) continue;
    Run run = from_json(nlohmann::json::parse(it->json));
    run.id = it->id;
    run.commit = it->commit;
    settle_status(r, run);
    const bool keep = filter.matches([&](std::string_view f) { return field(run, std::string(f)); },
                                     [&](std::string_view t) { return std::find(run.tags.begin(), run.tags.end(), t) != run.tags.end(); });
    if (keep) runs.push_back(std::move(run));
  }
  if (!o.sort.empty()) {
    const bool desc = o.sort[0] == '-';
    const std::string key = desc ? o.sort.substr(1) : o.sort;
    // Runs without the field go last either way.
    std::stable_sort(runs.begin(), runs.end(), [&](const Run& a, const Run& b) {
      const auto fa = field(a, key), fb = field(b, key);
      // NaN compares false with everything: it goes last, like a missing value.
      auto has = [](const std::optional<nlohmann::json>& f) { return f && !f->is_null() && !(f->is_number_float() && std::isnan(f->get<double>())); };
      const bool ha = has(fa), hb = has(fb);
      if (ha != hb) return ha;
      if (!ha) return false;
      if (fa->is_number() && fb->is_number()) return desc ? fa->get<double>() > fb->get<double>() : fa->get<double>() < fb->get<double>();
      const std::string sa = fa->is_string() ? fa->get<std::string>() : json_text(*fa);
      const std::string sb = fb->is_string() ? fb->get<std::string>() : json_text(*fb);
      return desc ? sa > sb : sa < sb;
    });
  }
  if (o.limit > 0 && runs.size() > o.limit) runs.resize(o.limit);
  return runs;
}

std::string list_json(const stdfs::path& cwd, const ListOptions& o) {
  if (!o.filter.empty() || !o.sort.empty()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& run : list(cwd, o)) arr.push_back(to_json(run));
    return json_text(arr);
  }
  // The common case streams the cached records as they are: no parsing, no re-encoding,
  // and, with a warm cache and --all, no libgit2 at all.
  const auto dirs = git::find_repo_dirs(cwd);
  std::optional<Repo> repo;
  auto open = [&]() -> Repo& {
    if (!repo) repo.emplace(open_repo(cwd, false));
    return *repo;
  };
  if (!dirs) open();  // reports "not a git repository" properly
  const stdfs::path gitdir = dirs ? dirs->gitdir : open().gitdir;
  const RunIndex index = load_runs(IndexSource{gitdir, gitdir / "mlops", open});
  std::set<std::string, std::less<>> scope;
  if (!o.all) scope = recent_history(open(), k_recent_depth);
  std::string out;
  size_t size = 2;
  for (const auto& c : index.runs) size += c.json.size() + 1;
  out.reserve(size);
  out += "[";
  size_t n = 0;
  for (auto it = index.runs.rbegin(); it != index.runs.rend(); ++it) {
    if (!o.all && scope.count(it->baseline) == 0) continue;
    if (o.limit > 0 && n == o.limit) break;
    if (n++ > 0) out += ',';
    if (it->status == "running") {
      Run run = from_json(nlohmann::json::parse(it->json));
      run.id = it->id;
      run.commit = it->commit;
      settle_status(open(), run);
      out += json_text(to_json(run));
    } else {
      out += it->json;
    }
  }
  out += "]";
  return out;
}

std::string resolve_run(Repo& r, const std::string& spec, std::string* commit_out) {
  const RunIndex index = load_runs(r);
  const auto& all = index.runs;
  std::string upper = spec;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::vector<const CachedRun*> by_name, by_prefix;
  for (const auto& c : all) {
    if (c.id == upper) {
      if (commit_out) *commit_out = c.commit;
      return c.id;
    }
    // The name sits in the JSON; this scan stays cheap and avoids parsing every record.
    if (c.json.find("\"name\":" + json_text(spec)) != std::string_view::npos) by_name.push_back(&c);
    if (upper.size() >= 4 && c.id.rfind(upper, 0) == 0) by_prefix.push_back(&c);
  }
  const auto& matches = !by_name.empty() ? by_name : by_prefix;
  if (matches.size() == 1) {
    if (commit_out) *commit_out = matches[0]->commit;
    return matches[0]->id;
  }
  if (matches.empty()) {
    throw Error(ErrorKind::not_found, "no run '" + spec + "'", "see 'mlops exp list --all' for runs and their names");
  }
  std::string candidates;
  for (const auto* m : matches) {
    const auto j = nlohmann::json::parse(m->json);
    candidates += (candidates.empty() ? "" : ", ") + m->id + " (" + j.value("name", "") + ")";
  }
  throw Error(ErrorKind::usage, "'" + spec + "' is ambiguous: " + candidates, "give more of the id");
}

Run show(const stdfs::path& cwd, const std::string& spec) {
  Repo r = open_repo(cwd, false);
  std::string commit;
  resolve_run(r, spec, &commit);
  Run run = read_run(r, commit);
  settle_status(r, run);
  return run;
}

std::string log_tail(const stdfs::path& cwd, const Run& run, int fd, std::size_t max_bytes) {
  Repo r = open_repo(cwd, false);
  auto text = read_run_file(r, run.commit, fd == 2 ? "logs/stderr" : "logs/stdout");
  if (!text) return "";
  if (text->size() <= max_bytes) return *text;
  size_t start = text->size() - max_bytes;
  const size_t nl = text->find('\n', start);
  if (nl != std::string::npos && nl + 1 < text->size()) start = nl + 1;
  return text->substr(start);
}

}  // namespace mlops::exp
