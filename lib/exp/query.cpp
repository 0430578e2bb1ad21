// SPDX-License-Identifier: MIT
// Reading runs: listing with the filter language, resolving RUN arguments, showing one.
#include "exp/cache.hpp"
#include "exp/filter.hpp"
#include "exp/live.hpp"
#include "exp/names.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"
#include "exp/store.hpp"
#include "exp/ulid.hpp"
#include "git/refs_files.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "mlops/did_you_mean.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace mlops::exp {

using namespace mlops::git;

nlohmann::json to_json(const Run& r) {
  nlohmann::json j = run_json(r);  // with "schema", as every --json document of exp has
  j.erase("process");
  j["commit"] = r.commit;
  j["params"] = *r.params;
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
    try {
      const Run full = read_run(repo, r.commit);
      r.pid = full.pid;
      r.boot_id = full.boot_id;
      r.pid_start = full.pid_start;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      log::debug("cannot read the process of run {}: {}", r.id, e.what());  // then it is not ours to find
    }
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

// The fields every run has (exp::field), in the order `exp list --help` names them.
constexpr std::array<const char*, 19> k_fixed_fields = {"id",       "short_id",  "name",     "status",   "started", "created", "ended",
                                                        "duration", "exit_code", "baseline", "snapshot", "commit",  "dirty",   "host",
                                                        "user",     "sweep",     "note",     "tags",     "command"};
constexpr std::array<const char*, 5> k_metric_parts = {"last", "min", "max", "step", "count"};

bool is_fixed_field(const std::string& name) {
  return std::find_if(k_fixed_fields.begin(), k_fixed_fields.end(), [&](const char* f) { return name == f; }) != k_fixed_fields.end();
}

// The params, metrics and tags some run of a set has: what names may refer to.
struct Catalog {
  size_t runs = 0;
  std::set<std::string> params, metrics, tags;

  void add(const Run& r) {
    ++runs;
    for (const auto& [k, _] : r.params->items()) params.insert(k);
    for (const auto& [k, _] : r.metrics) metrics.insert(k);
    tags.insert(r.tags.begin(), r.tags.end());
  }
  // "acc", or "acc.max" of a metric acc
  bool has_metric(const std::string& key) const {
    if (metrics.count(key)) return true;
    const size_t dot = key.rfind('.');
    if (dot == std::string::npos || !metrics.count(key.substr(0, dot))) return false;
    const std::string part = key.substr(dot + 1);
    return std::find_if(k_metric_parts.begin(), k_metric_parts.end(), [&](const char* p) { return part == p; }) != k_metric_parts.end();
  }
  // The full names `name` may mean here.
  std::vector<std::string> meanings(const std::string& name) const {
    if (is_fixed_field(name)) return {name};
    if (name.rfind("params.", 0) == 0) return params.count(name.substr(7)) ? std::vector<std::string>{name} : std::vector<std::string>{};
    if (name.rfind("metrics.", 0) == 0) return has_metric(name.substr(8)) ? std::vector<std::string>{name} : std::vector<std::string>{};
    std::vector<std::string> out;
    if (params.count(name)) out.push_back("params." + name);
    if (has_metric(name)) out.push_back("metrics." + name);
    return out;
  }
  std::vector<std::string> suggestions(const std::string& name) const {
    std::vector<std::string> full(k_fixed_fields.begin(), k_fixed_fields.end()), bare;
    std::map<std::string, std::vector<std::string>> of_bare;
    for (const auto& k : params) full.push_back("params." + k), of_bare[k].push_back("params." + k);
    for (const auto& k : metrics) full.push_back("metrics." + k), of_bare[k].push_back("metrics." + k);
    for (const auto& [k, _] : of_bare) bare.push_back(k);
    // The key itself: `metrics.lr` for params.lr, `accc` for metrics.acc.
    std::string key = name;
    for (const char* prefix : {"params.", "metrics."}) {
      if (key.rfind(prefix, 0) == 0) key = key.substr(std::char_traits<char>::length(prefix));
    }
    std::vector<std::string> out;
    for (const auto& b : closest_names(key, bare)) {
      for (const auto& f : of_bare[b]) {
        if (f != name) out.push_back(f);
      }
    }
    for (const auto& f : closest_names(name, full)) {
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    }
    if (out.size() > 3) out.resize(3);
    return out;
  }
};

// Checks the names a listing was given (--filter fields and tags, --sort, --columns)
// against the runs it lists, and resolves a bare name that means one params.X or metrics.X.
// An unknown or ambiguous name is a usage error naming the closest existing ones: a typo
// must not pass as "no run matches".
class NameResolver {
 public:
  NameResolver(const Catalog& scope, std::function<const Catalog&()> everything, bool all)
      : m_scope(scope), m_everything(std::move(everything)), m_all(all) {}

  std::string field(const std::string& name, const std::string& where) {
    if (const auto it = m_done.find(name); it != m_done.end()) return it->second;
    const Catalog& cat = m_scope.runs > 0 ? m_scope : m_everything();
    auto means = cat.meanings(name);
    if (means.empty() && cat.runs == 0 && (name.rfind("params.", 0) == 0 || name.rfind("metrics.", 0) == 0)) {
      means = {name};  // no run records anything yet: nothing to check a key against
    }
    if (means.size() > 1) {
      throw Error(ErrorKind::usage, "'" + name + "' " + where + " is ambiguous: it could be " + means[0] + " or " + means[1],
                  "write " + means[0] + " or " + means[1]);
    }
    if (means.empty()) {
      std::string hint;
      if (!m_all && m_scope.runs > 0 && !m_everything().meanings(name).empty()) {
        hint = "only runs outside HEAD's recent history have it: add --all";
      } else if (const auto close = cat.suggestions(name); !close.empty()) {
        hint = did_you_mean(close);
      } else if (cat.runs == 0) {
        hint = "no run has recorded params or metrics yet; name them params.KEY or metrics.KEY";
      } else {
        hint =
            "fields: id, short_id, name, status, started, ended, duration, exit_code, ..., params.KEY and metrics.KEY (see 'mlops exp list "
            "--help')";
      }
      throw Error(ErrorKind::usage, "unknown field '" + printable(name) + "' " + where, hint);
    }
    if (means[0] != name) log::info("'{}' {} means {}", name, where, means[0]);
    m_done[name] = means[0];
    return means[0];
  }

  void tag(const std::string& tag, const std::string& where) {
    const Catalog& cat = m_scope.runs > 0 ? m_scope : m_everything();
    if (cat.runs == 0 || cat.tags.count(tag)) return;
    std::string hint;
    if (!m_all && m_scope.runs > 0 && m_everything().tags.count(tag)) {
      hint = "only runs outside HEAD's recent history have it: add --all";
    } else {
      std::vector<std::string> close;
      for (const auto& c : closest_names(tag, std::vector<std::string>(cat.tags.begin(), cat.tags.end()))) close.push_back("tag:" + c);
      hint = close.empty() ? "no run has that tag (see 'mlops exp list --columns name,tags')" : did_you_mean(close);
    }
    throw Error(ErrorKind::usage, "no run has tag '" + printable(tag) + "' " + where, hint);
  }

 private:
  const Catalog& m_scope;
  std::function<const Catalog&()> m_everything;
  bool m_all;
  std::map<std::string, std::string> m_done;
};

Run parse_cached(Repo& r, const CachedRun& c) {
  Run run = from_json(nlohmann::json::parse(c.json));
  run.id = c.id;
  run.commit = c.commit;
  settle_status(r, run);
  return run;
}

// The value of a top-level string member of a record's compact JSON, without parsing the
// rest (resolving a name scans every record). nullopt when absent or not a string.
std::optional<std::string> top_level_string(std::string_view j, std::string_view key) {
  int depth = 0;
  for (size_t i = 0; i < j.size(); ++i) {
    const char c = j[i];
    if (c == '"') {
      const size_t start = i;
      for (++i; i < j.size() && j[i] != '"'; ++i) {
        if (j[i] == '\\') ++i;
      }
      if (depth != 1 || (j[start - 1] != '{' && j[start - 1] != ',') || i + 1 >= j.size() || j[i + 1] != ':') continue;
      if (j.substr(start + 1, i - start - 1) != key) continue;
      const size_t v = i + 2;
      if (v >= j.size() || j[v] != '"') return std::nullopt;
      size_t e = v + 1;
      for (; e < j.size() && j[e] != '"'; ++e) {
        if (j[e] == '\\') ++e;
      }
      if (e >= j.size()) return std::nullopt;
      try {
        return nlohmann::json::parse(j.substr(v, e - v + 1)).get<std::string>();
      } catch (const nlohmann::json::exception&) {
        return std::nullopt;
      }
    }
    if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') --depth;
  }
  return std::nullopt;
}

}  // namespace

std::optional<nlohmann::json> field(const Run& r, const std::string& name) {
  auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
  if (starts("params.")) {
    auto it = r.params->find(name.substr(7));
    if (it == r.params->end()) return std::nullopt;
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
  if (name == "short_id") return r.short_id.empty() ? short_run_id(r.id) : r.short_id;
  if (name == "name") return r.name;
  if (name == "status") return r.status;
  if (name == "exit_code") return r.exit_code ? nlohmann::json(*r.exit_code) : nlohmann::json(nullptr);
  if (name == "baseline") return r.baseline;
  if (name == "snapshot") return r.snapshot;
  if (name == "commit") return r.commit;
  if (name == "dirty") return r.dirty;
  if (name == "started" || name == "created") return r.started;
  if (name == "ended") return r.ended.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ended);  // as in run.json
  if (name == "duration") return r.duration;
  if (name == "host") return r.host;
  if (name == "user") return r.user;
  if (name == "sweep") return r.sweep.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.sweep);
  if (name == "note") return r.note;
  if (name == "tags") return r.tags;
  if (name == "command") {
    std::string s;
    for (const auto& a : r.argv) s += (s.empty() ? "" : " ") + a;
    return s;
  }
  return std::nullopt;
}

std::string short_run_id(const std::string& id) { return is_ulid(id) ? id.substr(10, 8) : id; }

namespace {

// The short id of each run: 8 characters of the id's random part, more where that prefix
// would also name another run (ids from a remote can be made to share 8 characters), so that
// the ID column always holds something resolve() takes. Unique means: no other run's random
// part and no run's whole id starts with it, as resolve() matches.
void assign_short_ids(std::vector<Run>& runs, const std::vector<CachedRun>& all) {
  std::vector<std::string_view> randoms, ids;
  randoms.reserve(all.size());
  ids.reserve(all.size());
  for (const auto& c : all) {
    ids.push_back(c.id);
    if (is_ulid(c.id)) randoms.push_back(std::string_view(c.id).substr(10));
  }
  std::sort(randoms.begin(), randoms.end());
  std::sort(ids.begin(), ids.end());
  auto starting_with = [](const std::vector<std::string_view>& sorted, std::string_view p) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), p);
    std::size_t n = 0;
    for (auto it = lo; it != sorted.end() && it->substr(0, p.size()) == p && n < 2; ++it) ++n;
    return n;
  };
  for (auto& run : runs) {
    if (!is_ulid(run.id)) continue;
    const std::string_view random = std::string_view(run.id).substr(10);
    run.short_id = run.id;  // when even the whole random part is shared: the whole id
    for (std::size_t len = 8; len <= random.size(); ++len) {
      const std::string_view p = random.substr(0, len);
      const std::size_t own_id = run.id.compare(0, len, p) == 0 ? 1 : 0;
      if (starting_with(randoms, p) <= 1 && starting_with(ids, p) <= own_id) {
        run.short_id = std::string(p);
        break;
      }
    }
  }
}

}  // namespace

Listing list_runs(const stdfs::path& cwd, const ListOptions& o) {
  Repo r = open_repo(cwd, false);
  Filter filter = Filter::parse(o.filter);  // parse before any work: errors come first
  const RunIndex index = load_runs(r);
  const auto& all = index.runs;
  std::set<std::string, std::less<>> scope;
  if (!o.all) scope = recent_history(r, k_recent_depth);

  std::vector<Run> runs;  // the listed scope, newest first
  Catalog in_scope;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!o.all && scope.count(it->baseline) == 0) continue;
    runs.push_back(parse_cached(r, *it));
    in_scope.add(runs.back());
  }
  assign_short_ids(runs, all);
  std::optional<Catalog> everything;
  NameResolver names(
      in_scope,
      [&]() -> const Catalog& {
        if (!everything) {
          everything.emplace();
          for (const auto& c : all) everything->add(from_json(nlohmann::json::parse(c.json)));
        }
        return *everything;
      },
      o.all);

  std::map<std::string, std::string> renamed;
  for (const auto& n : filter.names()) {
    const std::string where = "in --filter at column " + std::to_string(n.column);
    if (n.is_tag) names.tag(n.name, where);
    else renamed[n.name] = names.field(n.name, where);
  }
  filter.rename([&](const std::string& name) { return renamed.at(name); });
  const bool desc = !o.sort.empty() && o.sort[0] == '-';
  const std::string sort_key = o.sort.empty() ? "" : names.field(desc ? o.sort.substr(1) : o.sort, "in --sort");
  Listing out;
  out.in_scope = runs.size();
  out.total = all.size();
  for (const auto& c : o.columns) out.columns.push_back(names.field(c, "in --columns"));

  if (!filter.empty()) {
    std::vector<Run> kept;
    for (auto& run : runs) {
      const bool keep =
          filter.matches([&](std::string_view f) { return field(run, std::string(f)); },
                         [&](std::string_view t) { return std::find(run.tags.begin(), run.tags.end(), t) != run.tags.end(); });
      if (keep) kept.push_back(std::move(run));
    }
    runs = std::move(kept);
  }
  if (!sort_key.empty()) {
    // Runs without the field go last either way.
    std::stable_sort(runs.begin(), runs.end(), [&](const Run& a, const Run& b) {
      const auto fa = field(a, sort_key), fb = field(b, sort_key);
      // NaN compares false with everything: it goes last, like a missing value.
      auto has = [](const std::optional<nlohmann::json>& f) {
        return f && !f->is_null() && !(f->is_number_float() && std::isnan(f->get<double>()));
      };
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
  out.runs = std::move(runs);
  return out;
}

std::vector<Run> list(const stdfs::path& cwd, const ListOptions& o) { return list_runs(cwd, o).runs; }

std::string list_json(const stdfs::path& cwd, const ListOptions& o) {
  if (!o.filter.empty() || !o.sort.empty() || !o.columns.empty()) {
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
      out += json_text(to_json(parse_cached(open(), *it)));
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
  auto found = [&](const CachedRun& c) {
    if (commit_out) *commit_out = c.commit;
    return c.id;
  };
  // 1. A whole id, in any case.
  const std::string id_like = normalize_run_id(spec);
  for (const auto& c : all) {
    if (c.id == id_like) return found(c);
  }
  // 2. A name (names that read as ids are refused when runs are named, so this is rare).
  std::vector<const CachedRun*> by_name, by_prefix;
  std::vector<std::string> names;
  names.reserve(all.size());
  for (const auto& c : all) {
    auto name = top_level_string(c.json, "name");
    if (!name) continue;
    if (*name == spec) by_name.push_back(&c);
    names.push_back(std::move(*name));
  }
  // 3. A prefix (4+ characters) of the id or of its random part (what short_id shows).
  if (by_name.empty() && reads_as_id_prefix(spec)) {
    for (const auto& c : all) {
      if (c.id.rfind(id_like, 0) == 0 || c.id.compare(10, id_like.size(), id_like) == 0) by_prefix.push_back(&c);
    }
  }
  const auto& matches = !by_name.empty() ? by_name : by_prefix;
  if (matches.size() == 1) return found(*matches[0]);
  if (matches.empty()) {
    for (const auto& bad : index.invalid) {
      const std::string_view ref = bad.ref;
      if (ref.size() > std::char_traits<char>::length(k_ref_prefix) && ref.substr(std::char_traits<char>::length(k_ref_prefix)) == spec) {
        throw Error(ErrorKind::invalid_input, printable(bad.ref) + " holds no valid run: " + bad.reason,
                    "'mlops exp gc --prune-invalid' removes it");
      }
    }
    const auto close = closest_names(spec, names);
    throw Error(ErrorKind::not_found, "no run '" + printable(spec) + "'",
                close.empty() ? "see 'mlops exp list --all' for runs and their names" : did_you_mean(close));
  }
  constexpr size_t k_shown = 10;
  std::string candidates;
  for (size_t i = 0; i < matches.size() && i < k_shown; ++i) {
    candidates +=
        (candidates.empty() ? "" : ", ") + matches[i]->id + " (" + printable(top_level_string(matches[i]->json, "name").value_or("")) + ")";
  }
  if (matches.size() > k_shown) candidates += " and " + std::to_string(matches.size() - k_shown) + " more";
  throw Error(ErrorKind::usage, "'" + printable(spec) + "' is ambiguous: " + candidates,
              by_name.size() > 1 ? "several runs have that name: give the id" : "give more of the id");
}

Run show(const stdfs::path& cwd, const std::string& spec) {
  Repo r = open_repo(cwd, false);
  std::string commit;
  const std::string id = resolve_run(r, spec, &commit);
  Run run;
  try {
    run = read_run(r, commit);
    if (run.id != id) throw Error(ErrorKind::invalid_input, "run commit " + commit + ": its run.json is another run's");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) throw;
    throw Error(e.kind(), e.what(), "the ref holds no valid run; 'mlops exp gc --prune-invalid' removes it");
  }
  settle_status(r, run);
  return run;
}

std::string log_tail(const stdfs::path& cwd, const Run& run, int fd, std::size_t max_bytes) {
  Repo r = open_repo(cwd, false);
  const char* path = fd == 2 ? "logs/stderr" : "logs/stdout";
  std::optional<std::string> text;
  try {
    text = read_run_file(r, run.commit, path, k_max_log_bytes);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) throw;
    log::warn("{}", e.what());  // the record is still worth showing
    return "";
  }
  if (!text) return "";
  if (text->size() <= max_bytes) return *text;
  size_t start = text->size() - max_bytes;
  const size_t nl = text->find('\n', start);
  if (nl != std::string::npos && nl + 1 < text->size()) start = nl + 1;
  return text->substr(start);
}

}  // namespace mlops::exp
