// SPDX-License-Identifier: MIT
// executors.<name> of mlops.yaml over the user's config.yaml, read for `exp run`, `executor
// test` and `repro` alike, and the checks on what reaches sbatch's arguments.
#include "core/yaml_limits.hpp"
#include "executor/executor.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>
#include <array>

namespace mlops::executor {

bool safe_value(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f || ch == '\''; });
}

bool valid_export_name(std::string_view s) {
  if (s.empty() || s.size() > 256 || (s[0] >= '0' && s[0] <= '9')) return false;
  if (s == "ALL" || s == "NONE" || s == "NIL") return false;
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return ch == '_' || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); });
}

std::string this_program() {
  std::error_code ec;
  const auto p = stdfs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error(ErrorKind::internal, "cannot find the mlops binary: " + ec.message());
  return p.string();
}

namespace {

// The keys of executors.<name> that are resources, with their fields in `r`.
std::array<std::pair<const char*, std::string*>, 7> resource_fields(Resources& r) {
  return {{{"cpus", &r.cpus},
           {"mem", &r.mem},
           {"gpus", &r.gpus},
           {"time", &r.time},
           {"partition", &r.partition},
           {"account", &r.account},
           {"qos", &r.qos}}};
}

// executors.<name> of one file, checked.
Settings read_file(const stdfs::path& file, const std::string& name) {
  Settings c;
  std::error_code ec;
  if (!stdfs::exists(file, ec)) return c;
  const std::string text = fs::read_regular_file(file, 16u << 20);
  YAML::Node root;
  try {
    root = yaml::load(text, file.string());
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, file.string() + ": " + e.what());
  }
  if (!root.IsMap()) return c;
  const YAML::Node all = root["executors"];
  if (all && !all.IsNull() && !all.IsMap())
    throw Error(ErrorKind::invalid_input,
                file.string() + ":" + std::to_string(all.Mark().line + 1) + ": executors must be a mapping of executor names");
  const YAML::Node n = all && all.IsMap() ? all[name] : YAML::Node();
  if (!n || n.IsNull()) return c;
  if (!n.IsMap())
    throw Error(ErrorKind::invalid_input,
                file.string() + ":" + std::to_string(n.Mark().line + 1) + ": executors." + name + " must be a mapping");
  const auto fields = resource_fields(c.resources);
  // A cloned mlops.yaml is hostile: what reaches sbatch's arguments is checked here, once, for
  // `executor test` and `exp run` alike (a newline or quote, as for the --partition flags).
  const auto at = [&](const YAML::Node& v, const std::string& key) {
    return file.string() + ":" + std::to_string(v.Mark().line + 1) + ": executors." + name + "." + key;
  };
  for (const auto& [k, v] : fields) {
    const YAML::Node x = n[k];
    if (!x || x.IsNull()) continue;
    if (!x.IsScalar()) throw Error(ErrorKind::invalid_input, at(x, k) + " must be a single value");
    *v = x.Scalar();
    if (!safe_value(*v) || v->size() > 256) throw Error(ErrorKind::invalid_input, at(x, k) + " holds a character Slurm cannot take");
  }
  if (const YAML::Node x = n["remote"]; x && !x.IsNull()) {
    // Reaches the tasks' command line (quoted) and git: one plain word.
    if (!x.IsScalar()) throw Error(ErrorKind::invalid_input, at(x, "remote") + " must be a single value");
    c.remote = x.Scalar();
    if (c.remote.empty() || !safe_value(c.remote) || c.remote.size() > 4096)
      throw Error(ErrorKind::invalid_input, at(x, "remote") + " must be a git remote's name or URL");
  }
  if (const YAML::Node x = n["export"]; x && !x.IsNull()) {
    if (!x.IsSequence()) throw Error(ErrorKind::invalid_input, at(x, "export") + " must be a list of variable names");
    for (const auto& e : x) {
      if (!e.IsScalar() || !valid_export_name(e.Scalar()))
        throw Error(ErrorKind::invalid_input,
                    at(e, "export") + ": an entry is not a variable name ([A-Za-z_][A-Za-z0-9_]*, not ALL, NONE or NIL)");
      c.exports.push_back(e.Scalar());
    }
  }
  return c;
}

}  // namespace

Settings read_settings(const stdfs::path& project_file, const std::string& name, const stdfs::path& user_file) {
  // Both files are read whole, so that a hostile value in either is refused whichever wins.
  Settings c = read_file(project_file, name);
  const Settings u = user_file.empty() ? Settings{} : read_file(user_file, name);
  // Per key the project's value wins: the user's are defaults (their account, partition, the
  // remote their credentials reach), the project's what its sweeps need.
  Resources ur = u.resources;
  const auto theirs = resource_fields(ur);
  const auto ours = resource_fields(c.resources);
  for (size_t i = 0; i < ours.size(); ++i) {
    if (ours[i].second->empty()) *ours[i].second = *theirs[i].second;
  }
  if (c.remote.empty()) c.remote = u.remote;
  // Variables are a union: a task needs both the project's and the user's.
  for (const auto& e : u.exports) {
    if (std::find(c.exports.begin(), c.exports.end(), e) == c.exports.end()) c.exports.push_back(e);
  }
  return c;
}

}  // namespace mlops::executor
