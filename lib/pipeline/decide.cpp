// SPDX-License-Identifier: MIT
#include "pipeline/decide.hpp"

#include "core/yaml_limits.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <set>

namespace mlops::pipeline {
namespace {

constexpr const char* k_missing = "<missing>";

std::string canonical(const YAML::Node& n) {
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

void flatten(const YAML::Node& n, const std::string& prefix, std::map<std::string, std::string>& into) {
  if (n.IsMap() && !prefix.empty() && n.size() == 0) into[prefix] = canonical(n);
  if (n.IsMap()) {
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) continue;
      flatten(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), into);
    }
    return;
  }
  into[prefix] = canonical(n);
}

std::optional<YAML::Node> lookup(YAML::Node n, const std::string& dotted) {
  std::size_t start = 0;
  for (;;) {
    const auto dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!n.IsMap()) return std::nullopt;
    const YAML::Node next = n[part];
    if (!next) return std::nullopt;
    n.reset(next);  // rebinds; `n = next` would overwrite the node n refers to
    if (dot == std::string::npos) return n;
    start = dot + 1;
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string r;
  for (const auto& s : v) r += (r.empty() ? "" : " && ") + s;
  return r;
}

}  // namespace

std::map<std::string, std::map<std::string, std::string>> current_params(const Pipeline& p, const Stage& s) {
  std::map<std::string, std::map<std::string, std::string>> r;
  std::map<std::string, std::optional<YAML::Node>> files;
  for (const ParamRef& ref : s.params) {
    auto it = files.find(ref.file);
    if (it == files.end()) {
      std::optional<YAML::Node> doc;
      try {
        const std::string text = fs::read_regular_file(p.root / ref.file, std::size_t{1} << 20);
        doc = yaml::load(text, ref.file);
      } catch (const YAML::Exception& e) {
        throw Error(ErrorKind::invalid_input, ref.file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) throw;
      }
      it = files.emplace(ref.file, doc).first;
    }
    auto& values = r[ref.file];
    if (ref.key.empty()) {
      if (it->second) flatten(*it->second, "", values);
      continue;
    }
    const auto v = it->second ? lookup(*it->second, ref.key) : std::nullopt;
    values[ref.key] = v ? canonical(*v) : k_missing;
  }
  return r;
}

Decision decide(const Pipeline& p, const Stage& s, const LockEntry* locked, bool interrupted_run, Hasher& hasher) {
  Decision d;
  d.inputs.cmd = s.cmd;
  d.inputs.env = s.env;
  d.inputs.params = current_params(p, s);
  const auto reason = [&](std::string r) {
    if (d.reason.empty()) d.reason = std::move(r);
  };
  if (s.frozen) return d;  // never runs; its recorded outputs stand
  if (interrupted_run) reason("its last run did not finish (interrupted, killed or failed)");
  if (!locked) reason("never ran (not in mlops.lock)");
  if (s.always_changed) reason("always_changed is set");
  if (s.deps.empty() && s.outs.empty()) reason("it has no deps and no outputs, so it always runs");
  if (locked && locked->cmd != s.cmd) reason("command changed: was '" + join(locked->cmd) + "'");
  if (locked && locked->env != s.env) reason("env changed");
  if (locked) {
    for (const auto& [file, keys] : d.inputs.params) {
      const auto f = locked->params.find(file);
      for (const auto& [k, v] : keys) {
        const std::string name = file + ":" + k;
        if (f == locked->params.end() || !f->second.contains(k)) reason("param " + name + " is new");
        else if (v == k_missing) reason("param " + name + " was deleted");
        else if (f->second.at(k) != v) reason("param " + name + " changed: " + f->second.at(k) + " -> " + v);
      }
    }
    for (const auto& [file, keys] : locked->params)
      for (const auto& [k, v] : keys) {
        const auto f = d.inputs.params.find(file);
        if (f == d.inputs.params.end() || !f->second.contains(k)) reason("param " + file + ":" + k + " is no longer a param");
      }
  }
  // Deps: hashed always (their digests go into the lock when the stage runs).
  std::map<std::string, const LockedPath*> old_deps;
  if (locked)
    for (const LockedPath& lp : locked->deps) old_deps[lp.path] = &lp;
  for (const std::string& dep : s.deps) {
    const auto dg = hasher.hash(p.root / dep);
    if (!dg) {
      reason("dep " + dep + " is missing");
      continue;
    }
    LockedPath now{dep, dg->sha256, dg->size, dg->dir ? std::optional<std::uint64_t>(dg->nfiles) : std::nullopt};
    const auto it = old_deps.find(dep);
    if (locked && it == old_deps.end()) reason("dep " + dep + " is new");
    else if (locked && it->second->sha256 != now.sha256) reason("dep " + dep + " changed");
    d.inputs.deps.push_back(std::move(now));
  }
  std::sort(d.inputs.deps.begin(), d.inputs.deps.end(), [](const LockedPath& a, const LockedPath& b) { return a.path < b.path; });
  if (locked)
    for (const LockedPath& lp : locked->deps)
      if (std::find(s.deps.begin(), s.deps.end(), lp.path) == s.deps.end()) reason("dep " + lp.path + " is no longer a dep");
  if (!d.reason.empty() || !locked) return d;
  std::map<std::string, const LockedPath*> old_outs;
  for (const LockedPath& lp : locked->outs) old_outs[lp.path] = &lp;
  if (old_outs.size() != s.outs.size()) reason("its outputs changed in mlops.yaml");
  for (const Out& o : s.outs) {
    const auto it = old_outs.find(o.path);
    if (it == old_outs.end()) {
      reason("output " + o.path + " is new");
      break;
    }
    const auto dg = hasher.hash(p.root / o.path);
    if (!dg) reason("output " + o.path + " is missing");
    else if (dg->sha256 != it->second->sha256) reason("output " + o.path + " was modified");
    if (!d.reason.empty()) break;
  }
  return d;
}

stdfs::path state_dir(const stdfs::path& root) {
  const stdfs::path git = root / ".git";
  std::error_code ec;
  if (stdfs::is_directory(git, ec)) return git / "mlops" / "pipeline";
  if (stdfs::is_regular_file(git, ec)) {  // a linked worktree: "gitdir: PATH"
    try {
      std::string text = fs::read_regular_file(git, 4096);
      if (text.rfind("gitdir: ", 0) == 0) {
        text = text.substr(8);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        stdfs::path dir(text);
        if (dir.is_relative()) dir = root / dir;
        if (stdfs::is_directory(dir, ec)) return dir / "mlops" / "pipeline";
      }
    } catch (const Error&) {
    }
  }
  return root / ".mlops" / "pipeline";
}

}  // namespace mlops::pipeline
