// SPDX-License-Identifier: MIT
#include "pipeline/stages.hpp"

#include "config/project.hpp"
#include "core/yaml_limits.hpp"
#include "executor/executor.hpp"
#include "pipeline/templating.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <set>

namespace mlops::pipeline {
namespace {

const std::set<std::string> k_stage_keys = {"cmd",    "deps", "params",         "outs", "metrics", "plots", "wdir",   "desc",
                                            "frozen", "meta", "always_changed", "env",  "pool",    "vars",  "matrix", "resources"};
const std::set<std::string> k_out_keys = {"cache", "persist", "desc", "remote", "push", "type", "labels", "meta"};

struct Ctx {
  const config::ConfigFile& cfg;
  stdfs::path root, real_root;
  const tmpl::Scope* scope = nullptr;  // the variables ${...} may name; null: no templating
  std::size_t* budget = nullptr;       // bytes ${...} may still produce
};

[[noreturn]] void bad(const Ctx& c, const YAML::Node& n, const std::string& what, std::string hint = {}) {
  throw Error(ErrorKind::invalid_input, c.cfg.at(n) + what, std::move(hint));
}

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

// A scalar's text with its ${...} resolved (in a command, a map becomes --key value flags).
std::string resolved(const Ctx& c, const YAML::Node& n, bool cmd = false) {
  const std::string& s = n.Scalar();
  if (!c.scope || s.find("${") == std::string::npos) return s;
  tmpl::Failure f;
  const auto r = tmpl::interpolate(s, *c.scope, cmd, *c.budget, f);
  if (!r) bad(c, n, f.what, f.hint);
  return *r;
}

std::string text(const Ctx& c, const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) bad(c, n, what + " must be text");
  return resolved(c, n);
}

bool flag(const Ctx& c, const YAML::Node& n, const std::string& what) {
  if (n.IsScalar()) {
    const std::string s = resolved(c, n);
    if (s == "true" || s == "True" || s == "yes") return true;
    if (s == "false" || s == "False" || s == "no") return false;
  }
  bad(c, n, what + " must be true or false");
}

// `raw` (relative to the stage's wdir) as a normalised path relative to the project root,
// refused when it leaves the project (lexically or through a symlink) or enters .git.
std::string project_path(const Ctx& c, const YAML::Node& n, const std::string& wdir, const std::string& raw, const char* what) {
  if (raw.empty()) bad(c, n, std::string(what) + " is empty");
  if (raw.find('\0') != std::string::npos || stdfs::path(raw).is_absolute())
    bad(c, n, std::string(what) + " '" + raw + "' is outside the project", "paths are relative to the stage's wdir");
  const stdfs::path rel = (stdfs::path(wdir) / raw).lexically_normal();
  std::string s = rel.generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s == "." || s.empty()) bad(c, n, std::string(what) + " '" + raw + "' is the project itself");
  if (s == ".." || s.starts_with("../"))
    bad(c, n, std::string(what) + " '" + raw + "' is outside the project", "paths are relative to the stage's wdir");
  const std::string first = s.substr(0, s.find('/'));
  if (first == ".git" || s == "mlops.lock") bad(c, n, std::string(what) + " '" + raw + "' is inside .git or is mlops.lock");
  // Lexically fine: now where it really goes (a symlinked directory may lead out).
  std::error_code ec;
  const stdfs::path real = stdfs::weakly_canonical(c.root / s, ec);
  if (!ec) {
    const stdfs::path r = real.lexically_relative(c.real_root);
    const std::string rs = r.generic_string();
    if (r.empty() || rs == ".." || rs.starts_with("../"))
      bad(c, n, std::string(what) + " '" + raw + "' leads outside the project through a symlink");
    if (rs == ".git" || rs.starts_with(".git/")) bad(c, n, std::string(what) + " '" + raw + "' leads into .git through a symlink");
    // A symlink to the root would be the whole project (and .git) to hash or to replace.
    if (rs == "." || rs == "mlops.lock")
      bad(c, n, std::string(what) + " '" + raw + "' leads to " + (rs == "." ? "the project itself" : "mlops.lock") + " through a symlink");
  }
  return s;
}

std::vector<YAML::Node> list(const Ctx& c, const YAML::Node& n, const std::string& what) {
  if (n.IsNull()) return {};
  if (n.IsScalar()) return {n};
  if (!n.IsSequence()) bad(c, n, what + " must be a list");
  return {n.begin(), n.end()};
}

void parse_outs(const Ctx& c, Stage& s, const YAML::Node& n, bool metric) {
  const char* what = metric ? "a metrics file" : "an output";
  for (const YAML::Node& item : list(c, n, metric ? "metrics" : "outs")) {
    Out o;
    o.metric = metric;
    o.cache = !metric;  // metrics live in git by default, as in DVC
    o.line = line_of(item);
    if (item.IsScalar()) {
      o.path = project_path(c, item, s.wdir, resolved(c, item), what);
    } else if (item.IsMap() && item.size() == 1) {
      const auto kv = *item.begin();
      o.path = project_path(c, kv.first, s.wdir, text(c, kv.first, "a path"), what);
      if (!kv.second.IsNull()) {
        if (!kv.second.IsMap()) bad(c, kv.second, "the flags of '" + o.path + "' must be a map");
        for (const auto& f : kv.second) {
          const std::string key = text(c, f.first, "a key");
          if (!k_out_keys.contains(key))
            bad(c, f.first, "unknown key '" + key + "' in output '" + o.path + "'", "known: cache, persist, desc, remote, push");
          if (key == "cache") o.cache = flag(c, f.second, "cache");
          else if (key == "persist") o.persist = flag(c, f.second, "persist");
        }
      }
    } else {
      bad(c, item, std::string(what) + " is a path or {PATH: {cache: BOOL, persist: BOOL}}");
    }
    s.outs.push_back(std::move(o));
  }
}

void parse_params(const Ctx& c, Stage& s, const YAML::Node& n) {
  const auto file_of = [&](const YAML::Node& at, const std::string& f) { return project_path(c, at, s.wdir, f, "a params file"); };
  for (const YAML::Node& item : list(c, n, "params")) {
    if (item.IsScalar()) {
      s.params.push_back({file_of(item, "params.yaml"), resolved(c, item)});
    } else if (item.IsMap()) {
      for (const auto& kv : item) {
        const std::string file = file_of(kv.first, text(c, kv.first, "a params file"));
        if (kv.second.IsNull()) {
          s.params.push_back({file, ""});
          continue;
        }
        for (const YAML::Node& k : list(c, kv.second, "the keys of " + file)) s.params.push_back({file, text(c, k, "a param key")});
      }
    } else {
      bad(c, item, "a param is KEY or {FILE: [KEY...]}");
    }
  }
}

// A params or vars file: a map, read within the limits every mlops.yaml reader has.
YAML::Node vars_file(const Ctx& c, const YAML::Node& at, const std::string& rel) {
  std::string text;
  try {
    text = fs::read_regular_file(c.root / rel, std::size_t{1} << 20);
  } catch (const Error& e) {
    bad(c, at, "cannot read vars file '" + rel + "': " + e.what());
  }
  YAML::Node doc;
  try {
    doc = yaml::load(text, rel);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, rel + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (doc.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!doc.IsMap()) bad(c, at, "vars file '" + rel + "' is not a map of NAME: VALUE");
  return doc;
}

// `vars:` (a list of maps and FILE or FILE:KEY,KEY entries, or one map) into `scope`.
void add_vars(const Ctx& c, tmpl::Scope& scope, const YAML::Node& vars) {
  std::vector<YAML::Node> entries;
  if (vars.IsMap()) entries.push_back(vars);
  else if (vars.IsSequence())
    for (const YAML::Node& e : vars) entries.push_back(e);
  else if (!vars.IsNull()) bad(c, vars, "vars must be a list of maps and files (FILE or FILE:KEY,KEY)");
  for (const YAML::Node& e : entries) {
    YAML::Node map;  // reset(), never `=`: assigning to a node overwrites the node it refers to
    map.reset(e);
    std::string origin = c.cfg.file.filename().string() + ":" + std::to_string(line_of(e));
    if (e.IsScalar()) {
      const std::string spec = e.Scalar();
      const auto colon = spec.find(':');
      const std::string rel = project_path(c, e, "", spec.substr(0, colon), "a vars file");
      const YAML::Node doc = vars_file(c, e, rel);
      origin = rel;
      if (colon == std::string::npos) {
        map.reset(doc);
      } else {
        map.reset(YAML::Node(YAML::NodeType::Map));
        std::string keys = spec.substr(colon + 1);
        for (std::size_t from = 0; from <= keys.size();) {
          const auto comma = std::min(keys.find(',', from), keys.size());
          const std::string k = keys.substr(from, comma - from);
          if (!doc[k]) bad(c, e, "vars file '" + rel + "' has no key '" + k + "'");
          map[k] = doc[k];
          from = comma + 1;
        }
      }
    } else if (!e.IsMap()) {
      bad(c, e, "a vars entry is a map or a file name (FILE or FILE:KEY,KEY)");
    }
    std::string clash, first;
    if (!scope.add(map, origin, clash, first))
      bad(c, e, "variable '" + clash + "' is defined twice: in " + origin + " and in " + first, "give one of them another name");
  }
}

Stage parse_stage(const Ctx& outer, const std::string& name, const YAML::Node& key, const YAML::Node& def) {
  Stage s;
  s.name = name;
  s.line = line_of(key);
  if (!def.IsMap()) bad(outer, def, "stage '" + name + "' must be a map with at least 'cmd'");
  Ctx c = outer;
  tmpl::Scope local(outer.scope);
  if (const YAML::Node v = def["vars"]; v && outer.scope) {
    add_vars(outer, local, v);
    c.scope = &local;
  }
  for (const auto& kv : def) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : text(c, kv.first, "a key");
    if (!k_stage_keys.contains(k)) {
      bad(c, kv.first, "unknown key '" + k + "' in stage '" + name + "'",
          "known: cmd, deps, params, outs, metrics, plots, wdir, desc, frozen, always_changed, env, pool, vars, foreach, matrix");
    }
  }
  if (const YAML::Node w = def["wdir"]; w) {
    const std::string raw = text(c, w, "wdir");
    const std::string norm = (raw == "." || raw.empty()) ? "" : project_path(c, w, "", raw, "wdir");
    s.wdir = norm;
  }
  const YAML::Node cmd = def["cmd"];
  if (!cmd) bad(c, key, "stage '" + name + "' has no 'cmd'");
  for (const YAML::Node& part : list(c, cmd, "cmd")) {
    if (!part.IsScalar()) bad(c, part, "cmd must be text");
    s.cmd.push_back(resolved(c, part, true));
  }
  if (s.cmd.empty()) bad(c, cmd, "stage '" + name + "' has an empty 'cmd'");
  if (const YAML::Node d = def["desc"]; d) s.desc = text(c, d, "desc");
  if (const YAML::Node f = def["frozen"]; f) s.frozen = flag(c, f, "frozen");
  if (const YAML::Node a = def["always_changed"]; a) s.always_changed = flag(c, a, "always_changed");
  if (const YAML::Node d = def["deps"]; d) {
    for (const YAML::Node& item : list(c, d, "deps")) {
      std::vector<std::string> raws;
      if (item.IsScalar() && c.scope) {  // `${files}` naming a list: one dep per item
        tmpl::Failure f;
        if (auto items = tmpl::list_items(item.Scalar(), *c.scope, *c.budget, f)) raws = std::move(*items);
        else if (!f.what.empty()) bad(c, item, f.what, f.hint);
        else raws.push_back(text(c, item, "a dep"));
      } else {
        raws.push_back(text(c, item, "a dep"));
      }
      for (const std::string& raw : raws) {
        s.deps.push_back(project_path(c, item, s.wdir, raw, "a dep"));
        s.dep_lines.push_back(line_of(item));
      }
    }
  }
  if (const YAML::Node p = def["params"]; p) parse_params(c, s, p);
  if (const YAML::Node o = def["outs"]; o) parse_outs(c, s, o, false);
  if (const YAML::Node m = def["metrics"]; m) parse_outs(c, s, m, true);
  if (const YAML::Node m = def["plots"]; m) parse_outs(c, s, m, true);
  if (const YAML::Node e = def["env"]; e) {
    if (!e.IsMap()) bad(c, e, "env must be a map of NAME: VALUE");
    for (const auto& kv : e) {
      const std::string n = text(c, kv.first, "an env name");
      if (n.empty() || n.find('=') != std::string::npos || n.find('\0') != std::string::npos)
        bad(c, kv.first, "env name '" + n + "' is not valid");
      s.env[n] = kv.second.IsNull() ? "" : text(c, kv.second, "env value of " + n);
    }
  }
  if (const YAML::Node pl = def["pool"]; pl) {
    if (!pl.IsMap()) bad(c, pl, "pool must be a map of NAME: COUNT, e.g. {gpu: 1}");
    for (const auto& kv : pl) {
      const std::string n = text(c, kv.first, "a pool name");
      int v = 0;
      try {
        v = kv.second.IsScalar() ? YAML::Node(resolved(c, kv.second)).as<int>() : 0;
      } catch (const YAML::Exception&) {
        v = 0;
      }
      if (v < 1) bad(c, kv.second, "pool '" + n + "' wants a count of at least 1");
      s.pool[n] = v;
    }
  }
  if (const YAML::Node rs = def["resources"]; rs && !rs.IsNull()) {
    // What `repro --executor slurm` asks of the scheduler for this stage, over
    // executors.<name> (the same keys and the same checks: these reach sbatch's arguments).
    if (!rs.IsMap()) bad(c, rs, "resources must be a map, e.g. {cpus: 4, mem: 16G, time: '2:00:00'}");
    static const std::set<std::string> keys = {"cpus", "mem", "gpus", "time", "partition", "account", "qos"};
    for (const auto& kv : rs) {
      const std::string k = text(c, kv.first, "a resource name");
      if (!keys.count(k)) bad(c, kv.first, "unknown resource '" + k + "'", "cpus, mem, gpus, time, partition, account or qos");
      if (!kv.second.IsScalar()) bad(c, kv.second, "resources." + k + " must be a single value");
      const std::string v = text(c, kv.second, "resources." + k);
      if (v.empty() || v.size() > 256 || !executor::safe_value(v))
        bad(c, kv.second, "resources." + k + " holds a character Slurm cannot take");
      s.resources[k] = v;
    }
  }
  return s;
}

// The text a foreach item or matrix value adds to a stage name ("name@key").
std::string key_text(const YAML::Node& v, const std::string& fallback) { return v.IsScalar() ? v.Scalar() : fallback; }

// A list or map for foreach/matrix: written out, or one ${...} naming it.
YAML::Node iterable(const Ctx& c, const YAML::Node& n, const std::string& what) {
  YAML::Node v;
  v.reset(n);
  if (n.IsScalar() && c.scope) {
    tmpl::Failure f;
    const auto r = tmpl::whole_reference(n.Scalar(), *c.scope, f);
    if (!f.what.empty()) bad(c, n, f.what, f.hint);
    if (r) v.reset(*r);
  }
  if (!v.IsSequence() && !v.IsMap()) bad(c, n, what + " takes a list, a map or a ${...} that names one");
  return v;
}

// One stage of `stages:`, or the stages a foreach/matrix makes of it, appended to `out`.
void expand(const Ctx& c, const std::string& name, const YAML::Node& key, const YAML::Node& def, std::vector<Stage>& out,
            std::set<std::string>& names) {
  const auto add = [&](Stage s, const YAML::Node& at) {
    if (!valid_name(s.name))
      bad(c, at, "stage name '" + s.name + "' is not valid",
          "the values a foreach or matrix names stages by are letters, digits, '_', '-' and '.'");
    if (!names.insert(s.name).second) bad(c, at, "stage '" + s.name + "' is defined twice");
    out.push_back(std::move(s));
  };
  const auto room = [&](std::size_t n, const YAML::Node& at) {
    if (n > tmpl::k_max_stages - out.size())
      bad(c, at, "this makes more than " + std::to_string(tmpl::k_max_stages) + " stages", "split the pipeline or the sweep");
  };
  if (!def.IsMap() || (!def["foreach"] && !def["matrix"])) {
    room(1, key);
    return add(parse_stage(c, name, key, def), key);
  }
  if (def["foreach"]) {
    for (const auto& kv : def) {
      const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (k != "foreach" && k != "do")
        bad(c, kv.first, "a foreach stage has only 'foreach' and 'do' (found '" + k + "')", "the stage's keys go under do:");
    }
    const YAML::Node items = iterable(c, def["foreach"], "foreach");
    const YAML::Node body = def["do"];
    if (!body) bad(c, key, "foreach stage '" + name + "' has no 'do'");
    room(items.size(), def["foreach"]);
    std::size_t i = 0;
    for (const auto& it : items) {
      tmpl::Scope scope(c.scope);
      Ctx ci = c;
      ci.scope = &scope;
      std::string k;
      if (items.IsMap()) {  // DVC: the key names the stage, ${key} and ${item} are available
        k = key_text(it.first, std::to_string(i));
        scope.set("key", it.first, "foreach");
        scope.set("item", it.second, "foreach");
      } else {  // a list: a value names the stage, a map or list in it its index
        k = key_text(it, std::to_string(i));
        scope.set("item", it, "foreach");
      }
      ++i;
      add(parse_stage(ci, name + "@" + k, key, body), key);
    }
    return;
  }
  const YAML::Node m = def["matrix"];
  YAML::Node mkey = key;  // where `matrix:` is written, for messages about the whole of it
  for (const auto& kv : def)
    if (kv.first.IsScalar() && kv.first.Scalar() == "matrix") mkey = kv.first;
  if (!m.IsMap() || m.size() == 0) bad(c, mkey, "matrix must be a map of NAME: [VALUES...]");
  std::vector<std::pair<std::string, YAML::Node>> dims;
  std::size_t total = 1;
  for (const auto& kv : m) {
    const YAML::Node values = iterable(c, kv.second, "a matrix entry");
    if (!values.IsSequence()) bad(c, kv.second, "a matrix entry takes a list of values");
    dims.emplace_back(text(c, kv.first, "a matrix name"), values);
    // Checked as it grows: 10^9 points are refused before one is made.
    if (values.size() != 0 && total > (tmpl::k_max_stages - out.size()) / values.size()) room(tmpl::k_max_stages + 1, mkey);
    total *= values.size();
  }
  room(total, mkey);
  std::vector<std::size_t> at(dims.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    YAML::Node item(YAML::NodeType::Map);
    std::string k;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const YAML::Node v = dims[d].second[at[d]];
      // A clone: assigning a node of the document merges yaml-cpp's node pools, and the
      // document's pool then grows with every point (a 10,000-point matrix took 51 s).
      item[dims[d].first] = YAML::Clone(v);
      k += (d ? "-" : "") + key_text(v, dims[d].first + std::to_string(at[d]));
    }
    tmpl::Scope scope(c.scope);
    scope.set("item", item, "matrix");
    scope.set("key", YAML::Node(k), "matrix");
    Ctx ci = c;
    ci.scope = &scope;
    add(parse_stage(ci, name + "@" + k, key, def), key);
    for (std::size_t d = dims.size(); d-- > 0;) {  // the next point: the last name varies fastest
      if (++at[d] < dims[d].second.size()) break;
      at[d] = 0;
    }
  }
}

std::vector<std::string> ancestors(const std::string& p) {  // "a/b/c" -> "a/b", "a"
  std::vector<std::string> r;
  for (auto pos = p.rfind('/'); pos != std::string::npos && pos > 0; pos = p.rfind('/', pos - 1)) r.push_back(p.substr(0, pos));
  return r;
}

bool path_exists(const stdfs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace

std::size_t Pipeline::index(const std::string& name) const {
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i].name == name) return i;
  std::string known;
  for (const Stage& s : stages) known += (known.empty() ? "" : ", ") + s.name;
  throw Error(ErrorKind::not_found, "no stage named '" + name + "' in " + file,
              known.empty() ? "mlops.yaml has no stages" : "stages: " + known);
}

Pipeline load_pipeline(const config::ConfigFile& cfg, const stdfs::path& root) {
  std::error_code ec;
  Ctx c{cfg, root, stdfs::weakly_canonical(root, ec)};
  if (ec) c.real_root = root;
  Pipeline p;
  p.root = root;
  p.file = cfg.file.string();
  const YAML::Node section = cfg.root.IsMap() ? cfg.root["stages"] : YAML::Node();
  if (!section || section.IsNull()) return p;
  if (!section.IsMap()) bad(c, section, "'stages' must be a map of NAME: {cmd: ..., deps: [...], outs: [...]}");
  // Templating: params.yaml, then `vars:`; only when something is there to resolve.
  tmpl::Scope global;
  std::size_t budget = tmpl::k_max_expanded_bytes;
  const YAML::Node vars = cfg.root["vars"];
  if (cfg.text.find("${") != std::string::npos || vars) {
    c.budget = &budget;
    c.scope = &global;
    if (path_exists(root / "params.yaml")) {
      std::string clash, first;
      global.add(vars_file(c, section, "params.yaml"), "params.yaml", clash, first);
    }
    if (vars) add_vars(c, global, vars);
  }
  std::vector<Stage> parsed;
  std::set<std::string> names;
  for (const auto& kv : section) {
    if (!kv.first.IsScalar()) bad(c, kv.first, "a stage name must be text");
    const std::string name = kv.first.Scalar();
    if (!valid_name(name) || name.find('@') != std::string::npos)
      bad(c, kv.first, "stage name '" + name + "' is not valid",
          "letters, digits, '_', '-' and '.' ('@' joins a foreach or matrix stage's name to its key)");
    expand(c, name, kv.first, kv.second, parsed, names);
  }
  // Outputs: disjoint across the whole pipeline (neither equal nor one inside another).
  struct Owner {
    std::size_t stage;
    int line;
  };
  std::map<std::string, Owner> outs;
  const auto at_line = [&](int line) { return p.file + ":" + std::to_string(line) + ": "; };
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    for (const Out& o : parsed[i].outs) {
      if (const auto it = outs.find(o.path); it != outs.end()) {
        throw Error(ErrorKind::invalid_input,
                    at_line(o.line) + "'" + o.path + "' is an output of stage '" + parsed[it->second.stage].name + "' and of stage '" +
                        parsed[i].name + "'",
                    "each output has one stage that writes it");
      }
      outs.emplace(o.path, Owner{i, o.line});
    }
  }
  for (const auto& [path, owner] : outs) {
    for (const std::string& a : ancestors(path)) {
      if (const auto it = outs.find(a); it != outs.end()) {
        throw Error(ErrorKind::invalid_input,
                    at_line(owner.line) + "output '" + path + "' of stage '" + parsed[owner.stage].name + "' is inside output '" + a +
                        "' of stage '" + parsed[it->second.stage].name + "'",
                    "outputs must not overlap");
      }
    }
  }
  // Edges: a dep that is an output, lies inside one, or contains one.
  std::map<std::string, std::vector<std::size_t>> dep_users;
  for (std::size_t i = 0; i < parsed.size(); ++i)
    for (const std::string& d : parsed[i].deps) dep_users[d].push_back(i);
  std::vector<std::set<std::size_t>> up(parsed.size());
  for (const auto& [path, owner] : outs) {
    std::vector<std::string> keys = ancestors(path);
    keys.push_back(path);
    for (const std::string& k : keys)
      if (const auto it = dep_users.find(k); it != dep_users.end())
        for (std::size_t user : it->second) up[user].insert(owner.stage);
  }
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    for (const std::string& d : parsed[i].deps) {
      bool made = false;
      for (const std::string& a : ancestors(d))
        if (const auto it = outs.find(a); it != outs.end()) up[i].insert(it->second.stage), made = true;
      if (outs.contains(d)) made = true;
      if (!made) {  // contains an output? (sorted keys: the first one after "d/")
        const auto next = outs.lower_bound(d + "/");
        made = next != outs.end() && next->first.starts_with(d + "/");
      }
      if (!made && !path_exists(root / d)) {
        int line = parsed[i].line;
        for (std::size_t k = 0; k < parsed[i].deps.size(); ++k)
          if (parsed[i].deps[k] == d) line = parsed[i].dep_lines[k];
        throw Error(ErrorKind::not_found,
                    at_line(line) + "stage '" + parsed[i].name + "' depends on '" + d + "', which no stage makes and which does not exist",
                    path_exists(root / (d + ".mlops"))
                        ? "it is versioned data (" + d + ".mlops): 'mlops checkout' or 'mlops cache pull' puts it back"
                        : "create it, add the stage that makes it, or fix the path");
      }
    }
  }
  // The order: Kahn with a min-heap, so ties go in file order. Iterative on purpose: a
  // cloned project can hold a 10,000-stage chain, deeper than a recursive walk's stack.
  std::vector<std::vector<std::size_t>> down(parsed.size());
  std::vector<std::size_t> waiting(parsed.size());
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    waiting[i] = up[i].size();
    for (std::size_t u : up[i]) down[u].push_back(i);
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < parsed.size(); ++i)
    if (waiting[i] == 0) ready.push(i);
  std::vector<std::size_t> order;
  order.reserve(parsed.size());
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (std::size_t d : down[i])
      if (--waiting[d] == 0) ready.push(d);
  }
  if (order.size() < parsed.size()) {
    // Every stage left waits on another one left: follow those edges until one repeats.
    std::size_t at = 0;
    while (waiting[at] == 0) ++at;
    std::vector<std::size_t> seen_at(parsed.size(), SIZE_MAX), trail;
    while (seen_at[at] == SIZE_MAX) {
      seen_at[at] = trail.size();
      trail.push_back(at);
      for (std::size_t u : up[at])
        if (waiting[u] != 0) {
          at = u;
          break;
        }
    }
    std::string names_in_cycle;
    const std::size_t first = seen_at[at], length = trail.size() - first;
    for (std::size_t k = first; k < trail.size(); ++k) {
      if (length > 12 && k == first + 6) {  // a one-line message: the middle of a long cycle elided
        names_in_cycle += "... (" + std::to_string(length - 11) + " more) -> ";
        k = trail.size() - 5;
      }
      names_in_cycle += parsed[trail[k]].name + " -> ";
    }
    names_in_cycle += parsed[at].name;
    throw Error(ErrorKind::invalid_input,
                at_line(parsed[at].line) + "the stages form a cycle: " + names_in_cycle + " (each needs an output of the next)",
                "a stage may not depend, directly or not, on its own outputs");
  }
  std::vector<std::size_t> new_index(parsed.size());
  for (std::size_t k = 0; k < order.size(); ++k) new_index[order[k]] = k;
  for (std::size_t k = 0; k < order.size(); ++k) {
    Stage s = std::move(parsed[order[k]]);
    for (std::size_t u : up[order[k]]) s.upstream.push_back(new_index[u]);
    std::sort(s.upstream.begin(), s.upstream.end());
    p.stages.push_back(std::move(s));
  }
  return p;
}

Pipeline load_pipeline(const stdfs::path& project) {
  const auto cfg = config::load_file(project / config::k_project_file);
  if (!cfg) throw Error(ErrorKind::not_found, "no mlops.yaml in " + project.string());
  return load_pipeline(*cfg, project);
}

std::vector<std::size_t> select(const Pipeline& p, const std::vector<std::string>& targets, Selection how) {
  std::vector<std::size_t> all(p.stages.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (targets.empty()) return all;
  std::vector<bool> want(p.stages.size(), false);
  for (const std::string& t : targets) {
    bool group = false;  // a foreach/matrix stage's name stands for every stage it made
    if (t.find('@') == std::string::npos)
      for (std::size_t i = 0; i < p.stages.size(); ++i)
        if (p.stages[i].name.starts_with(t + "@")) want[i] = group = true;
    if (!group) want[p.index(t)] = true;
  }
  if (how == Selection::upstream) {
    for (std::size_t i = p.stages.size(); i-- > 0;)  // downstream first: mark upstream
      if (want[i])
        for (std::size_t u : p.stages[i].upstream) want[u] = true;
  } else if (how == Selection::downstream) {
    for (std::size_t i = 0; i < p.stages.size(); ++i)  // upstream first: mark downstream
      for (std::size_t u : p.stages[i].upstream) want[i] = want[i] || want[u];
  }
  std::vector<std::size_t> r;
  for (std::size_t i = 0; i < want.size(); ++i)
    if (want[i]) r.push_back(i);
  return r;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 128 || n[0] == '.' || n[0] == '-' || n[0] == '@') return false;
  return std::all_of(n.begin(), n.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.' || ch == '@';
  });
}

}  // namespace mlops::pipeline
