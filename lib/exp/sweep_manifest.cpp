// SPDX-License-Identifier: MIT
// sweep.json read as hostile and written back (sweep_manifest.hpp). Every limit here is far
// above what `exp run --executor` writes, and low enough that a manifest fetched from someone
// else's repository cannot make a command recurse deeply, allocate without bound, pass an
// option to sbatch or run a task outside the repository.
#include "exp/sweep_manifest.hpp"

#include "core/url.hpp"

#include "core/json.hpp"
#include "executor/executor.hpp"
#include "exp/ulid.hpp"

#include <mlops/error.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

namespace mlops::exp {

namespace {

constexpr std::size_t k_max_points = 1'000'000;
constexpr std::size_t k_max_submissions = 100'000;
constexpr std::size_t k_max_list = 4096;            // argv, tags, export entries
constexpr std::size_t k_max_argv_bytes = 1u << 20;  // all of argv: about the kernel's ARG_MAX share
constexpr std::size_t k_max_text = 4096;            // a name, a path, a resource
constexpr std::size_t k_max_note = 64u << 10;
constexpr std::array<const char*, 7> k_resource_keys = {"cpus", "mem", "gpus", "time", "partition", "account", "qos"};

using json = nlohmann::json;

struct Reader {
  const std::string& sweep;

  [[noreturn]] void bad(const std::string& field, const std::string& what) const {
    throw Error(
        ErrorKind::invalid_input, "sweep " + sweep + ": " + field + " " + what,
        "refs/mlops/sweeps/" + sweep + " is not a manifest mlops wrote; 'git update-ref -d refs/mlops/sweeps/" + sweep + "' removes it");
  }

  const json* member(const json& obj, const char* key, const std::string& field, bool required) const {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) bad(field, "is missing");
      return nullptr;
    }
    return &*it;
  }

  std::string text(const json& v, const std::string& field, std::size_t max, bool controls_ok = false) const {
    if (!v.is_string()) bad(field, "must be a string");
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > max) bad(field, "is longer than " + std::to_string(max) + " bytes");
    if (s.find('\0') != std::string::npos) bad(field, "holds a NUL byte");
    if (!controls_ok && std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      bad(field, "holds a control character");
    return s;
  }

  std::size_t count(const json& v, const std::string& field, std::size_t max) const {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) bad(field, "must be a whole number >= 0");
    const auto n = v.get<unsigned long long>();
    if (n > max) bad(field, "is above " + std::to_string(max));
    return static_cast<std::size_t>(n);
  }

  const json& array(const json& v, const std::string& field, std::size_t max) const {
    if (!v.is_array()) bad(field, "must be a list");
    if (v.size() > max) bad(field, "has more than " + std::to_string(max) + " entries");
    return v;
  }

  const json& object(const json& v, const std::string& field) const {
    if (!v.is_object()) bad(field, "must be an object");
    return v;
  }

  std::string commit_id(const json& v, const std::string& field) const {
    if (v.is_null()) return {};
    const std::string s = text(v, field, 40);
    if (!s.empty() &&
        (s.size() != 40 || !std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })))
      bad(field, "is not a commit id");
    return s;
  }
};

// `cwd`: where the task runs, relative to the worktree. Refused: an absolute path (the
// manifest is shared between clones, whose worktrees are elsewhere), `..` anywhere, a
// backslash or control character (never written by mlops).
bool inside_repository(const std::string& cwd) {
  if (cwd.empty()) return true;
  const std::filesystem::path p(cwd);
  if (p.is_absolute() || cwd.front() == '/') return false;
  for (const auto& part : p) {
    if (part == "..") return false;
  }
  return cwd.find('\\') == std::string::npos;
}

}  // namespace

std::string git_remote_url_problem(const std::string& url) {
  if (url.empty()) return "is empty";
  if (url.size() > k_max_text) return "is longer than 4096 bytes";
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return "holds a control character";
  if (url.front() == '-') return "starts with '-'";
  // Printed in messages and scripts: a bidi control or look-alike would disguise it.
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return "holds a character outside ASCII (percent-encode it)";
  const auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = url.substr(0, scheme_end);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool ssh = scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git";
    if (scheme != "https" && scheme != "http" && !ssh && scheme != "git" && scheme != "file")
      return "is not an http(s)://, ssh://, git:// or file:// URL";
    // User information as redact_url reads it (an '@' in the path is not; a password holding
    // '/' is): only ssh's plain user name (git@) may travel.
    if (url_has_userinfo(url)) {
      const std::string rest = url.substr(scheme_end + 3);
      const std::string user = rest.substr(0, rest.find('@'));
      if (user.find_first_of(":/") != std::string::npos || rest.find('@') == std::string::npos)
        return "holds a password (the tasks would see it)";
      if (!ssh) return "holds a user name or token (the tasks would see it; give the nodes a credential helper instead)";
    }
    if (url.find_first_of("?#") != std::string::npos) return "holds a query or fragment (a token there would reach the tasks)";
    return {};
  }
  if (url.front() == '/') return {};
  // git's "TRANSPORT::ADDRESS" runs a helper program: never from a manifest (an IPv6 host's
  // "::" inside [...] is not one).
  std::string unbracketed;
  for (size_t i = 0, depth = 0; i < url.size(); ++i) {
    if (url[i] == '[') ++depth;
    else if (url[i] == ']' && depth > 0) --depth;
    else if (depth == 0) unbracketed += url[i];
  }
  if (unbracketed.find("::") != std::string::npos) return "is not a git URL (or an absolute path) the nodes can reach";
  // scp-like [USER@]HOST:PATH (what git reads so: a ':' before any '/'); USER:PASSWORD@ is refused.
  if (const auto at = url.find('@'); at != std::string::npos && url.substr(0, at).find(':') != std::string::npos)
    return "holds a password (the tasks would see it)";
  const auto colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && url.substr(0, colon).find('/') == std::string::npos) return {};
  return "is not a git URL (or an absolute path) the nodes can reach";
}

SweepManifest parse_sweep_manifest(std::string_view text, const std::string& sweep) {
  const Reader rd{sweep};
  if (text.size() > k_sweep_manifest_max_bytes) rd.bad("sweep.json", "is larger than 64 MiB");
  json doc;
  try {
    doc = parse_json(text, "sweep " + sweep + ": sweep.json", k_sweep_manifest_max_depth);
  } catch (const Error& e) {
    throw Error(ErrorKind::invalid_input, e.what(), "refs/mlops/sweeps/" + sweep + " is not a manifest mlops wrote");
  }
  rd.object(doc, "sweep.json");
  SweepManifest m;
  const json& schema = *rd.member(doc, "schema", "schema", true);
  if (!schema.is_number_integer() || schema.get<long long>() != k_sweep_manifest_schema) rd.bad("schema", "is not 1");
  m.id = rd.text(*rd.member(doc, "id", "id", true), "id", 64);
  if (m.id != sweep) rd.bad("id", "names another sweep ('" + m.id.substr(0, 64) + "')");
  m.executor = rd.text(*rd.member(doc, "executor", "executor", true), "executor", 64);
  const auto rows = executor::table();
  // One that sends tasks to a scheduler (a local sweep writes no manifest).
  if (std::none_of(rows.begin(), rows.end(), [&](const executor::Row& r) { return r.name == m.executor && r.make != nullptr; }))
    rd.bad("executor", "is not a scheduler mlops can use");

  const json& argv = rd.array(*rd.member(doc, "argv", "argv", true), "argv", k_max_list);
  if (argv.empty()) rd.bad("argv", "is empty");
  std::size_t argv_bytes = 0;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    m.argv.push_back(rd.text(argv[i], "argv[" + std::to_string(i) + "]", k_max_argv_bytes, true));
    argv_bytes += m.argv.back().size();
    if (argv_bytes > k_max_argv_bytes) rd.bad("argv", "is longer than 1 MiB");
  }
  m.cwd = rd.text(*rd.member(doc, "cwd", "cwd", true), "cwd", k_max_text);
  if (!inside_repository(m.cwd)) rd.bad("cwd", "'" + m.cwd + "' is outside the repository");

  if (const json* v = rd.member(doc, "remote", "remote", false); v && !v->is_null()) {
    m.remote = rd.text(*v, "remote", k_max_text);
    // A fetched manifest names where this clone fetches runs from and tasks push them to.
    if (!m.remote.empty()) {
      if (const std::string why = git_remote_url_problem(m.remote); !why.empty()) rd.bad("remote", why);
    }
  }
  if (const json* v = rd.member(doc, "tags", "tags", false); v && !v->is_null()) {
    const json& tags = rd.array(*v, "tags", k_max_list);
    for (std::size_t i = 0; i < tags.size(); ++i) m.tags.push_back(rd.text(tags[i], "tags[" + std::to_string(i) + "]", k_max_text));
  }
  if (const json* v = rd.member(doc, "note", "note", false); v && !v->is_null()) m.note = rd.text(*v, "note", k_max_note, true);
  if (const json* v = rd.member(doc, "created", "created", false); v && !v->is_null()) m.created = rd.text(*v, "created", 64);
  if (const json* v = rd.member(doc, "parallel", "parallel", false); v && !v->is_null()) m.parallel = rd.count(*v, "parallel", 1'000'000);
  if (const json* v = rd.member(doc, "resources", "resources", false); v && !v->is_null()) {
    for (const auto& [k, val] : rd.object(*v, "resources").items()) {
      if (std::find(k_resource_keys.begin(), k_resource_keys.end(), k) == k_resource_keys.end())
        rd.bad("resources", "names an unknown resource");
      const std::string s = rd.text(val, "resources." + k, 256);
      if (!executor::safe_value(s)) rd.bad("resources." + k, "holds a character Slurm cannot take");
      m.resources[k] = s;
    }
  }
  if (const json* v = rd.member(doc, "export", "export", false); v && !v->is_null()) {
    const json& ex = rd.array(*v, "export", k_max_list);
    for (std::size_t i = 0; i < ex.size(); ++i) {
      const std::string field = "export[" + std::to_string(i) + "]";
      std::string name = rd.text(ex[i], field, 256);
      if (!executor::valid_export_name(name)) rd.bad(field, "is not a variable name a task may receive");
      m.exports.push_back(std::move(name));
    }
  }

  const json& points = rd.array(*rd.member(doc, "points", "points", true), "points", k_max_points);
  m.points.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string f = "points[" + std::to_string(i) + "]";
    const json& p = rd.object(points[i], f);
    SweepManifestPoint sp;
    sp.index = rd.count(*rd.member(p, "index", f + ".index", true), f + ".index", k_max_points);
    if (sp.index != i) rd.bad(f + ".index", "is not its position in the list");
    sp.run = rd.text(*rd.member(p, "run", f + ".run", true), f + ".run", 26);
    if (!is_ulid(sp.run)) rd.bad(f + ".run", "is not a run id");
    if (const json* v = rd.member(p, "name", f + ".name", false); v && !v->is_null()) sp.name = rd.text(*v, f + ".name", k_max_text);
    if (const json* v = rd.member(p, "snapshot", f + ".snapshot", false)) sp.snapshot = rd.commit_id(*v, f + ".snapshot");
    if (const json* v = rd.member(p, "baseline", f + ".baseline", false)) sp.baseline = rd.commit_id(*v, f + ".baseline");
    if (const json* v = rd.member(p, "dirty", f + ".dirty", false); v && !v->is_null()) {
      if (!v->is_boolean()) rd.bad(f + ".dirty", "must be true or false");
      sp.dirty = v->get<bool>();
    }
    m.points.push_back(std::move(sp));
  }

  const json& subs = rd.array(*rd.member(doc, "submissions", "submissions", true), "submissions", k_max_submissions);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    const std::string f = "submissions[" + std::to_string(i) + "]";
    const json& s = rd.object(subs[i], f);
    SweepSubmission x;
    if (const json* v = rd.member(s, "submitting", f + ".submitting", false); v && !v->is_null()) {
      if (!v->is_boolean()) rd.bad(f + ".submitting", "must be true or false");
      x.submitting = v->get<bool>();
    }
    const json* job = rd.member(s, "job", f + ".job", !x.submitting);
    if (job && !job->is_null()) {
      x.job = rd.text(*job, f + ".job", 20);
      if (x.job.empty() || !std::all_of(x.job.begin(), x.job.end(), [](char c) { return c >= '0' && c <= '9'; }))
        rd.bad(f + ".job", "is not a job id");
    } else if (!x.submitting) {
      rd.bad(f + ".job", "must be a job id");
    }
    x.offset = rd.count(*rd.member(s, "offset", f + ".offset", true), f + ".offset", k_max_points);
    const json& idx = rd.array(*rd.member(s, "indexes", f + ".indexes", true), f + ".indexes", k_max_points);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const std::size_t n = rd.count(idx[k], f + ".indexes[" + std::to_string(k) + "]", k_max_points);
      if (n >= m.points.size() || n < x.offset) rd.bad(f + ".indexes[" + std::to_string(k) + "]", "is not a point of this job");
      if (!x.indexes.empty() && n <= x.indexes.back()) rd.bad(f + ".indexes", "is not in increasing order");
      x.indexes.push_back(n);
    }
    if (const json* v = rd.member(s, "submitted", f + ".submitted", false); v && !v->is_null())
      x.submitted = rd.text(*v, f + ".submitted", 64);
    if (const json* v = rd.member(s, "host", f + ".host", false); v && !v->is_null()) x.host = rd.text(*v, f + ".host", 256);
    if (const json* v = rd.member(s, "pid", f + ".pid", false); v && !v->is_null())
      x.pid = static_cast<long>(rd.count(*v, f + ".pid", 1u << 30));
    m.submissions.push_back(std::move(x));
  }
  if (const json* v = rd.member(doc, "cancelled", "cancelled", false); v && !v->is_null()) {
    const json& c = rd.array(*v, "cancelled", k_max_points);
    for (std::size_t k = 0; k < c.size(); ++k) {
      const std::size_t n = rd.count(c[k], "cancelled[" + std::to_string(k) + "]", k_max_points);
      if (n >= m.points.size()) rd.bad("cancelled[" + std::to_string(k) + "]", "is not a point of this sweep");
      m.cancelled.push_back(n);
    }
  }
  return m;
}

std::string sweep_manifest_text(const SweepManifest& m) {
  json points = json::array();
  for (const auto& p : m.points)
    points.push_back(
        {{"index", p.index}, {"run", p.run}, {"name", p.name}, {"snapshot", p.snapshot}, {"baseline", p.baseline}, {"dirty", p.dirty}});
  json subs = json::array();
  for (const auto& s : m.submissions) {
    json e = {{"job", s.job.empty() ? json(nullptr) : json(s.job)},
              {"offset", s.offset},
              {"indexes", s.indexes},
              {"submitted", s.submitted.empty() ? json(nullptr) : json(s.submitted)}};
    if (s.submitting) {
      e["submitting"] = true;
      e["host"] = s.host;
      e["pid"] = s.pid;
    }
    subs.push_back(std::move(e));
  }
  json resources = json::object();
  for (const auto& [k, v] : m.resources) resources[k] = v;
  json doc = {{"schema", k_sweep_manifest_schema},
              {"id", m.id},
              {"executor", m.executor},
              {"argv", m.argv},
              {"cwd", m.cwd},
              {"tags", m.tags},
              {"note", m.note},
              {"created", m.created},
              {"parallel", m.parallel},
              {"resources", resources},
              {"export", m.exports},
              {"points", points},
              {"submissions", subs}};
  if (!m.cancelled.empty()) doc["cancelled"] = m.cancelled;
  if (!m.remote.empty()) doc["remote"] = m.remote;
  return json_text(doc, 2) + "\n";
}

}  // namespace mlops::exp
