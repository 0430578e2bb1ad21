// SPDX-License-Identifier: MIT
#include "ci/subject.hpp"

#include "exp/store.hpp"
#include "exp/values.hpp"

#include <mlops/error.hpp>

namespace mlops::ci {

namespace {

using namespace mlops::git;

std::string commit_of(exp::Repo& r, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r.get(), rev.c_str()) != 0) exp::throw_unknown_revision(r, rev);
  ObjectPtr owner(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) throw Error(ErrorKind::usage, "'" + exp::printable(rev) + "' is not a commit");
  ObjectPtr owner2(peeled);
  return exp::oid_hex(*git_object_id(peeled));
}

Subject run_subject(const exp::Run& run) { return {run.name, run.id, run.commit}; }

// A revision: the values of the metrics (and params) files committed there; when it has
// none, its newest completed run other than `exclude` (the run being checked).
std::optional<Resolved> at_revision(const stdfs::path& cwd, const std::string& rev, const std::string& exclude = {}) {
  exp::Repo r = exp::open_repo(cwd);
  const std::string commit = commit_of(r, rev);
  auto values = [&](const std::vector<std::string>& files) {
    exp::FlatValues all;
    for (const auto& f : files) {
      const auto text = exp::read_blob_at(r, commit, r.project_rel.empty() ? f : r.project_rel + "/" + f);
      if (!text) continue;
      for (auto& [k, v] : exp::read_values(*text, f)) all[k] = std::move(v);
    }
    return all;
  };
  Resolved res{{rev, "", commit}, {}};
  for (const auto& [k, v] : values(r.config.metrics)) {
    std::optional<double> x = v.is_boolean() ? std::optional<double>(v.get<bool>() ? 1 : 0) : exp::number_of(v);
    if (!x) continue;
    res.run.metrics[k] = exp::Metric{*x, *x, *x, 0, 1};
  }
  if (!res.run.metrics.empty()) {
    nlohmann::json params = nlohmann::json::object();
    for (auto& [k, v] : values(r.config.params)) params[k] = std::move(v);
    res.run.params = std::move(params);
    res.run.name = rev;
    res.run.commit = commit;
    res.run.status = "completed";
    return res;
  }
  for (auto& run : exp::list(cwd, every_run())) {  // newest first
    if (run.baseline == commit && run.status == "completed" && run.id != exclude) return Resolved{run_subject(run), std::move(run)};
  }
  return std::nullopt;
}

std::string metrics_files(const exp::Repo& r) {
  std::string s;
  for (const auto& f : r.config.metrics) s += (s.empty() ? "" : ", ") + f;
  return s;
}

}  // namespace

Resolved resolve_subject(const stdfs::path& cwd, const std::string& run, const std::string& rev) {
  if (!run.empty()) {
    exp::Run r = exp::show(cwd, run);
    return {run_subject(r), std::move(r)};
  }
  if (!rev.empty()) {
    if (auto res = at_revision(cwd, rev)) return std::move(*res);
    exp::Repo r = exp::open_repo(cwd);
    throw Error(ErrorKind::not_found,
                "no metrics at '" + exp::printable(rev) + "': no run is based on it and " + metrics_files(r) + " holds no metrics there",
                "record a run on it ('mlops exp run -- COMMAND'), or commit the metrics file");
  }
  exp::ListOptions newest;
  newest.limit = 1;
  exp::Listing l = exp::list_runs(cwd, newest);
  if (l.runs.empty()) {
    throw Error(
        ErrorKind::usage, l.total == 0 ? "no runs yet to check" : "no run based on HEAD's recent history",
        l.total == 0 ? "record one with 'mlops exp run -- COMMAND', or name a revision with --rev" : "name the run: mlops check RUN");
  }
  exp::Run r = std::move(l.runs.front());
  return {run_subject(r), std::move(r)};
}

Resolved resolve_baseline(const stdfs::path& cwd, const std::string& spec, const std::string& exclude) {
  try {
    exp::Run r = exp::show(cwd, spec);
    return {run_subject(r), std::move(r)};
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) throw;
  }
  exp::Repo r = exp::open_repo(cwd);
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r.get(), spec.c_str()) != 0) {
    throw Error(ErrorKind::not_found, "no run or revision '" + exp::printable(spec) + "' to compare with",
                "--against takes a run (id, name) or a branch, tag or commit");
  }
  ObjectPtr owner(obj);
  if (auto res = at_revision(cwd, spec, exclude)) return std::move(*res);
  throw Error(ErrorKind::not_found,
              "no baseline at '" + exp::printable(spec) + "': no run is based on it and " + metrics_files(r) + " holds no metrics there",
              "record a run on " + exp::printable(spec) + " ('mlops exp run'), commit its metrics file, or give a run to --against");
}

}  // namespace mlops::ci
