// SPDX-License-Identifier: MIT
// `repro --executor slurm`: the run cache first (local, and the remote's with --pull): a stage
// it holds is restored here by the engine's restore_only repro, never submitted. Each other
// stage that must run becomes one scheduler job, after the jobs of its upstream stages
// (afterok), through lib/executor's table. The job runs
// `mlops repro --single-item STAGE` in the project on the node (a shared filesystem, as for
// sweeps), so the stage is decided, run, cached and recorded in mlops.lock exactly as a local
// repro does it; mlops.lock, not the scheduler's accounting, then says whether it ran.
#include "pipeline/dispatch.hpp"

#include "config/project.hpp"
#include "core/log.hpp"
#include "executor/executor.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/started.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace mlops::pipeline {

namespace {

bool journal_names(const stdfs::path& state, const std::string& stage) {
  std::error_code ec;
  return stdfs::exists(started_path(state, stage), ec);
}

executor::Resources stage_resources(const executor::Resources& base, const Stage& s) {
  executor::Resources r = base;
  for (const auto& [k, v] : s.resources) r.set(k, v);  // keys were checked when mlops.yaml was read
  return r;
}

}  // namespace

ReproResult dispatch(const stdfs::path& project, const ReproOptions& o) {
  const executor::Row& row = executor::find(o.executor);
  if (row.in_process || row.make == nullptr) throw Error(ErrorKind::internal, "dispatch: '" + o.executor + "' is not a scheduler");
  const auto event = [&](const std::string& stage, const std::string& what, const std::string& detail) {
    if (o.on_event) o.on_event(stage, what, detail);
  };
  const Pipeline p = load_pipeline(project);
  const std::vector<std::size_t> sel = select(p, o.targets,
                                              o.downstream    ? Selection::downstream
                                              : o.single_item ? Selection::single
                                                              : Selection::upstream);
  const executor::Settings settings =
      executor::read_settings(p.root / config::k_project_file, std::string(row.name), config::user_config_file());
  const stdfs::path state = state_dir(project);

  // The run cache first, for the stages whose inputs are known here, under the pipeline lock
  // (the engine takes it): a hit is restored and recorded in mlops.lock as repro does, and a
  // stage after it is decided with its outputs in place. --force and --no-run-cache run.
  ReproResult restored;
  if (!o.force && !o.no_run_cache) {
    ReproOptions r = o;
    r.executor.clear();
    r.wait = false;
    r.restore_only = true;
    r.on_line = nullptr;
    r.on_event = [&](const std::string& stage, const std::string& what, const std::string& detail) {
      if (what == "restored" || what == "would restore" || what == "waiting") event(stage, what, detail);
    };
    restored = repro(project, r);
  }
  const std::set<std::string> was_restored(restored.restored.begin(), restored.restored.end());
  const LockFile lockf = read_lock(project);  // with what was just restored
  Hasher hasher(state / "digests");

  executor::TaskBatch base;
  for (const char* v : executor::k_default_exports) base.export_vars.emplace_back(v);
  for (const auto& v : settings.exports)
    if (std::find(base.export_vars.begin(), base.export_vars.end(), v) == base.export_vars.end()) base.export_vars.push_back(v);
  base.workdir = p.root;
  base.log_dir = state / "jobs";
  const std::string exe = o.dry ? std::string() : executor::this_program();

  const std::size_t n = p.stages.size();
  std::vector<bool> in_sel(n, false), sent(n, false), restoring(n, false);
  std::vector<std::string> job_of(n);
  for (std::size_t i : sel) in_sel[i] = true;
  std::unique_ptr<executor::Executor> ex = row.make();
  ReproResult result;
  result.restored = restored.restored;
  for (std::size_t i : sel) {  // graph order: every upstream job exists before its dependants
    const Stage& s = p.stages[i];
    if (s.frozen) {
      event(s.name, "skipped", "frozen");
      result.skipped.push_back(s.name);
      continue;
    }
    if (was_restored.contains(s.name)) {  // reported by the engine; up to date now (or, dry, once restored)
      restoring[i] = o.dry;
      continue;
    }
    std::vector<std::string> after;
    bool upstream_sent = false, upstream_restoring = false;
    for (std::size_t u : s.upstream) {
      upstream_restoring = upstream_restoring || (in_sel[u] && restoring[u]);
      if (!in_sel[u] || !sent[u]) continue;
      upstream_sent = true;
      if (!job_of[u].empty()) after.push_back(job_of[u]);
    }
    std::string reason;
    if (upstream_sent) {
      reason = "an upstream stage runs first";  // its outputs are not made yet: decided on the node
    } else if (upstream_restoring) {
      reason = "an upstream stage would be restored first; decided then";  // dry: nothing was restored
    } else {
      const auto it = lockf.stages.find(s.name);
      reason = decide(p, s, it == lockf.stages.end() ? nullptr : &it->second, journal_names(state, s.name), hasher).reason;
    }
    if (reason.empty() && !o.force) {
      event(s.name, "skipped", "up to date");
      result.skipped.push_back(s.name);
      continue;
    }
    if (reason.empty()) reason = "--force";
    sent[i] = true;
    if (o.dry) {
      event(s.name, "would submit", reason);
      result.ran.push_back(s.name);
      continue;
    }
    executor::TaskBatch b = base;
    b.name = "mlops-stage-" + s.name;
    b.command = {exe, "repro", "--single-item"};
    if (o.force) b.command.emplace_back("--force");
    if (o.no_run_cache) b.command.emplace_back("--no-run-cache");
    b.command.emplace_back("--");
    b.command.push_back(s.name);
    b.resources = stage_resources(settings.resources, s);
    job_of[i] = ex->submit_job(b, after, "mlops stage=" + s.name);
    result.jobs.emplace_back(s.name, job_of[i]);
    std::string deps;
    for (const auto& a : after) deps += (deps.empty() ? " after " : ",") + a;
    event(s.name, "submitted", "job " + job_of[i] + deps + " (" + reason + ")");
  }
  if (!o.wait || o.dry || result.jobs.empty()) return result;

  // Wait: one scheduler query a round, with backoff, until no job is queued or running (a
  // job the scheduler no longer knows has ended).
  std::vector<std::string> ids;
  for (const auto& j : result.jobs) ids.push_back(j.second);
  std::map<std::string, executor::TaskState> last;
  std::chrono::milliseconds delay(500);
  for (;;) {
    const auto states = ex->poll_jobs(ids);
    bool open = false;
    for (const auto& id : ids) {
      const auto it = states.find(id);
      if (it == states.end()) continue;
      last[id] = it->second;
      open = open || it->second.state == "queued" || it->second.state == "running";
    }
    if (!open) break;
    for (auto waited = std::chrono::milliseconds(0); waited < delay; waited += std::chrono::milliseconds(100)) {
      check_interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(30'000));
  }
  // mlops.lock decides: a stage whose entry now matches its deps and outputs ran.
  const LockFile now = read_lock(project);
  Hasher after_hasher(state / "digests");
  std::set<std::string> failed;
  for (const auto& [stage, job] : result.jobs) {
    const Stage& s = p.stages[p.index(stage)];
    const auto it = now.stages.find(stage);
    const Decision d = decide(p, s, it == now.stages.end() ? nullptr : &it->second, journal_names(state, stage), after_hasher);
    if (d.reason.empty()) {
      result.ran.push_back(stage);
      event(stage, "done", "job " + job);
      continue;
    }
    const auto st = last.find(job);
    const std::string said = st == last.end() ? "no longer known to the scheduler" : st->second.raw;
    bool upstream_failed = false;
    for (std::size_t u : s.upstream) upstream_failed = upstream_failed || failed.count(p.stages[u].name) != 0;
    failed.insert(stage);
    if (upstream_failed && (st == last.end() || st->second.state == "cancelled")) {
      result.not_run.push_back(stage);  // --kill-on-invalid-dep: cancelled with its upstream
      continue;
    }
    result.failed.push_back(stage);
    event(stage, "failed", "job " + job + " (" + said + "): " + d.reason + "; its log is " + (base.log_dir / (job + ".log")).string());
  }
  return result;
}

}  // namespace mlops::pipeline
