// SPDX-License-Identifier: MIT
// `mlops exp run`: one run in the workspace, or a sweep of isolated runs in temporary
// worktrees checked out from the snapshot.
#include "config/project.hpp"
#include "exp/cache.hpp"
#include "exp/executor.hpp"
#include "exp/live.hpp"
#include "exp/names.hpp"
#include "exp/run_parts.hpp"
#include "exp/store.hpp"
#include "exp/sweep_remote.hpp"
#include "exp/ulid.hpp"
#include "exp/values.hpp"
#include "exp/workspace.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>
#include <mlops/version.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

namespace mlops::exp {

using namespace mlops::git;

namespace {

struct Override {
  std::string file;  // relative to the project
  std::string key;
  std::vector<nlohmann::json> values;
};

std::vector<std::string> split_values(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<Override> parse_overrides(const Repo& r, const RunOptions& o) {
  std::vector<Override> out;
  std::map<std::string, FlatValues> loaded;
  auto values_of = [&](const std::string& file) -> const FlatValues& {
    auto it = loaded.find(file);
    if (it != loaded.end()) return it->second;
    FlatValues v;
    std::error_code ec;
    if (stdfs::exists(r.project / file, ec)) v = read_values_file(r.project / file);
    return loaded.emplace(file, std::move(v)).first->second;
  };
  for (const auto& set : o.sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorKind::usage, "-S expects [FILE:]KEY=VALUE[,VALUE...], got '" + set + "'", "for example -S lr=0.1,0.01");
    }
    Override ov;
    std::string key = set.substr(0, eq);
    const size_t colon = key.find(':');
    if (colon != std::string::npos) {
      ov.file = key.substr(0, colon);
      key = key.substr(colon + 1);
    }
    ov.key = key;
    for (const auto& v : split_values(set.substr(eq + 1))) ov.values.push_back(parse_scalar(v));
    if (ov.file.empty()) {
      for (const auto& f : r.config.params) {
        if (values_of(f).count(key)) {
          ov.file = f;
          break;
        }
      }
    }
    if (ov.file.empty()) {
      std::string files;
      for (const auto& f : r.config.params) files += (files.empty() ? "" : ", ") + f;
      if (!o.new_keys) {
        throw Error(ErrorKind::usage, "no parameter '" + key + "' in " + (files.empty() ? "the params files" : files),
                    "check the name, or pass --new-keys to add it");
      }
      if (r.config.params.empty()) throw Error(ErrorKind::usage, "no params file is declared in mlops.yaml");
      ov.file = r.config.params.front();
    } else if (!o.new_keys && !values_of(ov.file).count(key)) {
      throw Error(ErrorKind::usage, "no parameter '" + key + "' in " + ov.file, "check the name, or pass --new-keys to add it");
    }
    out.push_back(std::move(ov));
  }
  return out;
}

// Every combination of the override values, in the order given.
std::vector<std::vector<std::pair<const Override*, nlohmann::json>>> grid(const std::vector<Override>& ovs) {
  std::vector<std::vector<std::pair<const Override*, nlohmann::json>>> points(1);
  for (const auto& ov : ovs) {
    std::vector<std::vector<std::pair<const Override*, nlohmann::json>>> next;
    for (const auto& p : points) {
      for (const auto& v : ov.values) {
        auto q = p;
        q.emplace_back(&ov, v);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  return points;
}

std::set<std::string> existing_names(Repo& r) {
  std::set<std::string> names;
  const RunIndex index = load_runs(r);
  for (const auto& c : index.runs) {
    const size_t k = c.json.find("\"name\":\"");
    if (k == std::string::npos) continue;
    const size_t b = k + 8, e = c.json.find('"', b);
    if (e != std::string_view::npos) names.insert(std::string(c.json.substr(b, e - b)));
  }
  return names;
}

}  // namespace

FlatValues read_params(const stdfs::path& project, const std::vector<std::string>& files, std::vector<std::string>& warnings) {
  FlatValues all;
  for (const auto& f : files) {
    std::error_code ec;
    if (!stdfs::exists(project / f, ec)) continue;
    try {
      for (auto& [k, v] : read_values_file(project / f)) all[k] = std::move(v);
    } catch (const Error& e) {
      warnings.push_back(std::string("params not read: ") + e.what());  // shown when the run starts
    }
  }
  return all;
}

static std::string join_path(const std::string& a, const std::string& b) { return a.empty() ? b : a + "/" + b; }

Run new_run(const Repo& r, const RunOptions& o, const stdfs::path& cwd, const std::string& name) {
  Run run;
  run.id = new_ulid();
  run.name = name;
  run.status = "running";
  run.argv = o.argv;
  run.started = now_rfc3339();
  const ProcessIdentity me = current_process();
  run.host = me.host;
  run.pid = me.pid;
  run.boot_id = me.boot_id;
  run.pid_start = me.start_time;
  run.user = user_name();
  run.os = os_description();
  run.tool_version = std::string(version());
  std::error_code ec;
  const std::string rel = stdfs::weakly_canonical(cwd, ec).lexically_relative(stdfs::weakly_canonical(r.workdir, ec)).generic_string();
  run.cwd = rel == "." ? "" : rel;
  run.tags = o.tags;
  run.note = o.note;
  return run;
}

namespace {

// Names are picked when `exp run` starts; another `exp run` may have recorded the same name
// since. Under a lock, check again against the recorded runs, then create the ref.
void start_record(Repo& r, Job& job, std::set<std::string>& names, bool fixed_name) {
  std::error_code ec;
  stdfs::create_directories(job.live_dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + job.live_dir.string() + ": " + ec.message());
  const int fd = ::open((r.mlops_dir / "names.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot open " + (r.mlops_dir / "names.lock").string());
  const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* p) {
    ::close(*p);  // drops the lock
    delete p;
  });
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw_errno("cannot lock " + (r.mlops_dir / "names.lock").string());
  }
  const std::set<std::string> recorded = existing_names(r);
  if (recorded.count(job.run.name)) {
    if (fixed_name) throw Error(ErrorKind::conflict, "a run named '" + job.run.name + "' exists", "choose another name with -n");
    job.run.name = generate_name([&](const std::string& c) { return recorded.count(c) > 0 || names.count(c) > 0; });
    names.insert(job.run.name);
  }
  job.first_commit = write_run_commit(r, job.run, {});
  create_run_ref(r, job.run.id, job.first_commit);
  job.run.commit = job.first_commit;
}

}  // namespace

// A temporary worktree with the snapshot's files: not registered with git, never touching
// the user's index (GIT_CHECKOUT_DONT_UPDATE_INDEX).
void checkout_into(Repo& r, const std::string& commit, const stdfs::path& dir) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  git_object* obj = nullptr;
  const git_oid id = parse_oid(commit);
  check(git_object_lookup(&obj, r.get(), &id, GIT_OBJECT_COMMIT), "cannot read snapshot " + commit);
  ObjectPtr owner(obj);
  git_checkout_options co;
  check(git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION), "libgit2");
  co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX | GIT_CHECKOUT_DONT_REMOVE_EXISTING;
  const std::string target = dir.string();
  co.target_directory = target.c_str();
  co.disable_filters = 0;
  check(git_checkout_tree(r.get(), obj, &co), "cannot check out the snapshot into " + target);
}

RunResult run(const stdfs::path& cwd_in, const RunOptions& o, const RunEvents& events) {
  if (o.argv.empty()) throw Error(ErrorKind::usage, "no command to run", "for example: mlops exp run -- python train.py");
  const stdfs::path cwd = stdfs::absolute(cwd_in);
  // libgit2 takes ~10 ms to start (its 22 libraries, and its TLS setup parses the system's CA
  // bundle); reading the index and lstat()ing every tracked file need none of it, so they
  // are done meanwhile. A scan that fails is simply taken again, and reported, later.
  std::shared_ptr<WorktreeScan> scan;
  {
    std::jthread loader([] {
      try {
        (void)git::libgit2.symbol("git_libgit2_version");
      } catch (const std::exception&) {  // open_repo() reports it
      }
    });
    try {
      if (const auto dirs = git::find_repo_dirs(cwd)) scan = scan_worktree(dirs->workdir, dirs->worktree_gitdir / "index");
    } catch (const std::exception&) {
    }
  }
  Repo r = open_repo(cwd);
  // --jobs, else MLOPS_JOBS, mlops.yaml's or the user config's `jobs`, else one at a time.
  const int n_jobs = o.jobs > 0 ? o.jobs : config::resolve(config::load_file(r.project / config::k_project_file)).jobs.value_or(1);
  log::debug("exp run: repository open");
  const std::vector<Override> overrides = parse_overrides(r, o);
  const auto points = grid(overrides);
  const bool scheduled = !o.executor.empty() && o.executor != "local";
  if (scheduled) check_executor(o.executor);  // before anything is written
  if (!scheduled && !o.remote.empty())
    throw Error(ErrorKind::usage, "--remote is for a sweep sent to a scheduler", "add --executor slurm, or leave --remote out");
  const bool isolated = o.isolated || points.size() > 1 || scheduled;

  std::set<std::string> names = existing_names(r);
  log::debug("exp run: {} existing names read", names.size());
  if (!o.name.empty()) {
    check_new_run_name(r, o.name);  // valid, and not readable as another run's id
    if (points.size() == 1 && names.count(o.name)) {
      throw Error(ErrorKind::conflict, "a run named '" + o.name + "' exists", "choose another name with -n");
    }
  }
  auto pick_name = [&](size_t i) {
    std::string n;
    if (!o.name.empty()) {
      n = points.size() == 1 ? o.name : o.name + "-" + std::to_string(i + 1);
      if (points.size() > 1 && names.count(n)) n = generate_name([&](const std::string& c) { return names.count(c) > 0; });
    } else {
      n = generate_name([&](const std::string& c) { return names.count(c) > 0; });
    }
    names.insert(n);
    return n;
  };
  const std::string rel_project = r.project_rel;
  std::error_code ec;
  const std::string rel_cwd = stdfs::weakly_canonical(cwd, ec).lexically_relative(stdfs::weakly_canonical(r.workdir, ec)).generic_string();

  RunResult result;
  std::vector<Job> jobs;
  std::optional<ParamsOverride> workspace_override;

  if (!isolated) {
    // ---- one run, in the workspace ----
    std::map<std::string, FlatValues> per_file;
    for (const auto& [ov, value] : points.front()) per_file[ov->file][ov->key] = value;
    std::map<stdfs::path, std::string> new_files;
    for (const auto& [file, values] : per_file) {
      const stdfs::path p = r.project / file;
      std::string text;
      try {
        text = fs::read_regular_file(p, k_max_project_file);
      } catch (const Error& e) {
        if (!o.new_keys || e.kind() != ErrorKind::not_found) throw;
      }
      new_files[p] = apply_overrides(text, file, values, o.new_keys);
    }
    Job job;
    job.run = new_run(r, o, cwd, pick_name(0));
    if (!new_files.empty()) workspace_override.emplace(r, job.run.id, new_files);
    const Snapshot s = snapshot(r, o.include_untracked, "mlops snapshot for run " + job.run.name + "\n\nRun-Id: " + job.run.id + "\n", {},
                                std::move(scan));
    log::debug("exp run: snapshot {} ({} changed files)", s.commit, s.changed.size());
    job.run.baseline = s.baseline;
    job.run.snapshot = s.commit;
    job.run.dirty = s.dirty;
    *job.run.params = nlohmann::json::object();
    for (auto& [k, v] : read_params(r.project, r.config.params, job.run.warnings)) (*job.run.params)[k] = recordable(v);
    job.cwd = cwd;
    job.project = r.project;
    job.live_dir = r.mlops_dir / "live" / job.run.id;
    job.vouched_metrics = o.vouched_metrics;
    jobs.push_back(std::move(job));
  } else {
    // ---- a sweep: each point in its own worktree from the snapshot ----
    const Snapshot base = snapshot(r, o.include_untracked, "mlops snapshot for a sweep\n", {}, std::move(scan));
    const std::string sweep = new_ulid();
    for (size_t i = 0; i < points.size(); ++i) {
      Job job;
      job.run = new_run(r, o, cwd, pick_name(i));
      job.run.sweep = points.size() > 1 || scheduled ? sweep : "";
      job.run.baseline = base.baseline;
      std::map<std::string, FlatValues> per_file;
      for (const auto& [ov, value] : points[i]) per_file[ov->file][ov->key] = value;
      std::map<std::string, std::string> replace;
      for (const auto& [file, values] : per_file) {
        const std::string path = join_path(rel_project, file);
        auto text = read_blob_at(r, base.commit, path);
        if (!text) {
          try {
            text = fs::read_regular_file(r.project / file, k_max_project_file);
          } catch (const Error& e) {
            if (!o.new_keys || e.kind() != ErrorKind::not_found) throw;
            text = "";
          }
        }
        replace[path] = apply_overrides(*text, file, values, o.new_keys);
      }
      if (replace.empty()) {
        job.run.snapshot = base.commit;
        job.run.dirty = base.dirty;
      } else {
        // The point's snapshot: the base snapshot with its params files, made from the
        // workspace state plus these overrides.
        const Snapshot s =
            snapshot(r, o.include_untracked, "mlops snapshot for run " + job.run.name + "\n\nRun-Id: " + job.run.id + "\n", replace);
        job.run.snapshot = s.commit;
        job.run.dirty = s.dirty;
      }
      const stdfs::path tree = r.mlops_dir / "worktrees" / job.run.id;
      job.cwd = rel_cwd == "." ? tree : tree / rel_cwd;
      job.project = rel_project.empty() ? tree : tree / rel_project;
      job.live_dir = r.mlops_dir / "live" / job.run.id;
      job.keep_outputs = true;
      job.prefix_output = std::min<size_t>(n_jobs, points.size()) > 1;
      job.vouched_metrics = o.vouched_metrics;
      jobs.push_back(std::move(job));
    }
  }

  if (scheduled) {
    // Nothing runs here: the points go to the scheduler as one sweep (sweep_remote.cpp).
    result.sweep = submit_sweep(r, o, jobs.front().run.sweep, jobs, rel_cwd == "." ? "" : rel_cwd, o.jobs);
    return result;
  }

  auto prepare = [&](Job& job) {
    if (job.keep_outputs) {
      checkout_into(r, job.run.snapshot, r.mlops_dir / "worktrees" / job.run.id);
      std::error_code e2;
      stdfs::create_directories(job.cwd, e2);
      *job.run.params = nlohmann::json::object();
      for (auto& [k, v] : read_params(job.project, r.config.params, job.run.warnings)) (*job.run.params)[k] = recordable(v);
    }
    start_record(r, job, names, !o.name.empty() && points.size() == 1);
  };
  auto done = [&](Job& job) {
    if (job.keep_outputs) {
      std::error_code e2;
      stdfs::remove_all(r.mlops_dir / "worktrees" / job.run.id, e2);
    }
  };
  try {
    execute(r, jobs, isolated ? static_cast<size_t>(n_jobs) : 1, events, prepare, done);
  } catch (...) {
    if (workspace_override) workspace_override->restore();
    throw;
  }
  if (workspace_override) {
    for (const auto& note : workspace_override->restore()) log::warn("{}", note);
  }
  maybe_pack_refs(r);

  for (auto& job : jobs) {
    if (job.run.commit.empty() || job.run.commit == job.first_commit) continue;  // never started
    if (result.exit_code == 0 && job.run.exit_code && *job.run.exit_code != 0) result.exit_code = *job.run.exit_code;
    result.runs.push_back(std::move(job.run));
  }
  if (result.runs.size() < jobs.size() && result.exit_code == 0) result.exit_code = 130;  // interrupted before all ran
  return result;
}

}  // namespace mlops::exp
