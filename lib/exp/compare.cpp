// SPDX-License-Identifier: MIT
// exp diff, params diff, metrics show/diff.
#include "exp/query.hpp"
#include "exp/store.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>

#include <set>

namespace mlops::exp {

using namespace mlops::git;

namespace {

std::vector<ValueDelta> deltas(const FlatValues& a, const FlatValues& b) {
  std::set<std::string> keys;
  for (const auto& [k, _] : a) keys.insert(k);
  for (const auto& [k, _] : b) keys.insert(k);
  std::vector<ValueDelta> out;
  for (const auto& k : keys) {
    auto ia = a.find(k);
    auto ib = b.find(k);
    std::optional<nlohmann::json> va, vb;
    if (ia != a.end()) va = ia->second;
    if (ib != b.end()) vb = ib->second;
    if (va == vb) continue;
    out.push_back({k, va, vb});
  }
  return out;
}

FlatValues flat(const nlohmann::json& obj) {
  FlatValues f;
  if (obj.is_object()) {
    for (const auto& [k, v] : obj.items()) f[k] = v;
  }
  return f;
}

FlatValues metric_values(const Run& r) {
  FlatValues f;
  for (const auto& [k, m] : r.metrics) f[k] = number_json(m.last);  // NaN as "NaN": equal to itself, and JSON
  return f;
}

TreePtr tree_of(Repo& r, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, r.get(), rev.c_str()) != 0) throw_unknown_revision(r, rev);
  ObjectPtr owner(obj);
  git_object* t = nullptr;
  check(git_object_peel(&t, obj, GIT_OBJECT_TREE), "'" + rev + "' has no tree");
  return TreePtr(reinterpret_cast<git_tree*>(t));
}

std::string patch_text(git_diff* d) {
  std::string out;
  for (size_t i = 0; i < git_diff_num_deltas(d); ++i) {
    git_patch* raw = nullptr;
    check(git_patch_from_diff(&raw, d, i), "cannot format the diff");
    if (raw == nullptr) continue;
    PatchPtr patch(raw);
    // Against the workspace, a file whose index entry is stale comes back "modified" even
    // when its content is the snapshot's: no hunks, same mode, nothing to show.
    const git_diff_delta* delta = git_patch_get_delta(raw);
    if (delta->status == GIT_DELTA_MODIFIED && git_patch_num_hunks(raw) == 0 && delta->old_file.mode == delta->new_file.mode &&
        (delta->flags & GIT_DIFF_FLAG_BINARY) == 0) {
      continue;
    }
    Buf buf;
    check(git_patch_to_buf(&buf.buf, raw), "cannot format the diff");
    out += buf.str();
  }
  return out;
}

// The values of the declared files: from the workspace (rev empty) or from a commit.
FlatValues declared_values(Repo& r, const std::vector<std::string>& files, const std::string& rev) {
  FlatValues all;
  for (const auto& f : files) {
    std::optional<std::string> text;
    if (rev.empty()) {
      std::error_code ec;
      if (stdfs::exists(r.project / f, ec)) text = fs::read_regular_file(r.project / f, k_max_project_file);
    } else {
      text = read_blob_at(r, rev, r.project_rel.empty() ? f : r.project_rel + "/" + f);
    }
    if (!text) continue;
    for (auto& [k, v] : read_values(*text, f)) all[k] = std::move(v);
  }
  return all;
}

FlatValues numeric(const FlatValues& v) {
  FlatValues out;
  for (const auto& [k, x] : v) {
    if (x.is_number() || x.is_boolean()) out[k] = x;
  }
  return out;
}

}  // namespace

RunDiff diff(const stdfs::path& cwd, const std::string& spec_a, const std::string& spec_b) {
  Repo r = open_repo(cwd, false);
  std::string ca, cb;
  resolve_run(r, spec_a, &ca);
  const Run a = read_run(r, ca);
  RunDiff d;
  d.old_label = a.name;
  git_diff_options opts;
  check(git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION), "libgit2");
  TreePtr ta = tree_of(r, a.snapshot);
  git_diff* raw = nullptr;
  if (!spec_b.empty()) {
    resolve_run(r, spec_b, &cb);
    const Run b = read_run(r, cb);
    d.new_label = b.name;
    d.params = deltas(flat(*a.params), flat(*b.params));
    d.metrics = deltas(metric_values(a), metric_values(b));
    TreePtr tb = tree_of(r, b.snapshot);
    check(git_diff_tree_to_tree(&raw, r.get(), ta.get(), tb.get(), &opts), "cannot diff the snapshots");
  } else {
    d.new_label = "workspace";
    d.params = deltas(flat(*a.params), declared_values(r, r.config.params, ""));
    d.metrics = deltas(metric_values(a), numeric(declared_values(r, r.config.metrics, "")));
    check(git_diff_tree_to_workdir_with_index(&raw, r.get(), ta.get(), &opts), "cannot diff against the workspace");
  }
  DiffPtr owner(raw);
  d.code_patch = patch_text(raw);
  return d;
}

RunDiff diff_workspace_values(const stdfs::path& cwd, const std::string& rev_in, bool params, bool metrics) {
  Repo r = open_repo(cwd);
  const std::string rev = rev_in.empty() ? "HEAD" : rev_in;
  RunDiff d;
  d.old_label = rev;
  d.new_label = "workspace";
  if (params) d.params = deltas(declared_values(r, r.config.params, rev), declared_values(r, r.config.params, ""));
  if (metrics) d.metrics = deltas(numeric(declared_values(r, r.config.metrics, rev)), numeric(declared_values(r, r.config.metrics, "")));
  return d;
}

nlohmann::json show_workspace_metrics(const stdfs::path& cwd) {
  Repo r = open_repo(cwd, false);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& f : r.config.metrics) {
    std::error_code ec;
    if (!stdfs::exists(r.project / f, ec)) continue;
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [k, v] : numeric(read_values_file(r.project / f))) values[k] = v;
    out[f] = values;
  }
  return out;
}

}  // namespace mlops::exp
