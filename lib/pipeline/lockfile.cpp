// SPDX-License-Identifier: MIT
#include "pipeline/lockfile.hpp"

#include "core/fd.hpp"
#include "core/json.hpp"
#include "core/yaml_limits.hpp"
#include "pipeline/stages.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace mlops::pipeline {
namespace {

constexpr std::size_t k_max_lock_bytes = std::size_t{64} << 20;

[[noreturn]] void bad(const std::string& file, const YAML::Node& n, const std::string& what) {
  throw Error(ErrorKind::invalid_input, file + ":" + std::to_string(n.Mark().line + 1) + ": " + what,
              "mlops.lock is written by 'mlops repro'; restore it from git or delete it to run every stage again");
}

std::vector<LockedPath> read_paths(const std::string& file, const YAML::Node& n) {
  std::vector<LockedPath> r;
  if (!n) return r;
  if (!n.IsSequence()) bad(file, n, "expected a list of {path, sha256, size}");
  for (const YAML::Node& e : n) {
    if (!e.IsMap() || !e["path"] || !e["sha256"] || !e["size"]) bad(file, e, "expected {path, sha256, size}");
    LockedPath p;
    try {
      p.path = e["path"].as<std::string>();
      p.sha256 = e["sha256"].as<std::string>();
      p.size = e["size"].as<std::uint64_t>();
      if (e["nfiles"]) p.nfiles = e["nfiles"].as<std::uint64_t>();
    } catch (const YAML::Exception&) {
      bad(file, e, "a path entry has a value of the wrong type");
    }
    if (p.sha256.size() != 64 || p.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      bad(file, e, "sha256 is not 64 hex digits");
    r.push_back(std::move(p));
  }
  return r;
}

void emit_paths(YAML::Emitter& out, const char* key, const std::vector<LockedPath>& paths) {
  if (paths.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const LockedPath& p : paths) {
    out << YAML::BeginMap << YAML::Key << "path" << YAML::Value << p.path << YAML::Key << "sha256" << YAML::Value << p.sha256 << YAML::Key
        << "size" << YAML::Value << p.size;
    if (p.nfiles) out << YAML::Key << "nfiles" << YAML::Value << *p.nfiles;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace

LockFile read_lock(const stdfs::path& root) {
  const stdfs::path path = root / k_lock_file;
  std::string text;
  try {
    text = fs::read_regular_file(path, k_max_lock_bytes);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) return {};
    throw;
  }
  return parse_lock(text);
}

LockFile parse_lock(const std::string& text) {
  const std::string file = k_lock_file;
  // YAML is Unicode text; other bytes would not be written back as they were read.
  if (!is_valid_utf8(text)) throw Error(ErrorKind::invalid_input, file + " is not UTF-8 text", "restore it with git checkout -- " + file);
  YAML::Node doc;
  try {
    doc = yaml::load(text, file, yaml::Limits{k_max_lock_bytes, 10'000'000, std::size_t{256} << 20, 64});
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  LockFile lock;
  if (doc.IsNull()) return lock;
  if (!doc.IsMap()) bad(file, doc, "expected a map with 'schema' and 'stages'");
  if (!doc["schema"] || !doc["schema"].IsScalar() || doc["schema"].Scalar() != "1")
    bad(file, doc, "unknown schema (this version reads schema 1)");
  const YAML::Node stages = doc["stages"];
  if (!stages || stages.IsNull()) return lock;
  if (!stages.IsMap()) bad(file, stages, "'stages' must be a map");
  for (const auto& kv : stages) {
    const YAML::Node& s = kv.second;
    if (!kv.first.IsScalar() || !s.IsMap()) bad(file, kv.first, "a stage entry must be NAME: {cmd, deps, params, outs}");
    // Names as mlops.yaml allows them: anything else would not read back as written.
    if (!valid_name(kv.first.Scalar())) bad(file, kv.first, "a stage name must be letters, digits, '_', '-' and '.'");
    LockEntry e;
    const YAML::Node cmd = s["cmd"];
    if (!cmd) bad(file, s, "a stage entry has no cmd");
    if (cmd.IsScalar()) e.cmd.push_back(cmd.Scalar());
    else if (cmd.IsSequence())
      for (const YAML::Node& c : cmd) {
        if (!c.IsScalar()) bad(file, c, "cmd must be text");
        e.cmd.push_back(c.Scalar());
      }
    else bad(file, cmd, "cmd must be text or a list");
    if (const YAML::Node env = s["env"]; env) {
      if (!env.IsMap()) bad(file, env, "env must be a map");
      for (const auto& v : env) {
        if (!v.first.IsScalar() || !v.second.IsScalar()) bad(file, v.first, "env values must be text");
        e.env[v.first.Scalar()] = v.second.Scalar();
      }
    }
    e.deps = read_paths(file, s["deps"]);
    e.outs = read_paths(file, s["outs"]);
    if (const YAML::Node params = s["params"]; params) {
      if (!params.IsMap()) bad(file, params, "params must be a map of FILE: {KEY: VALUE}");
      for (const auto& f : params) {
        if (!f.first.IsScalar() || !f.second.IsMap()) bad(file, f.first, "params must be a map of FILE: {KEY: VALUE}");
        for (const auto& k : f.second) {
          if (!k.first.IsScalar()) bad(file, k.first, "a param key must be text");
          YAML::Emitter out;
          out << YAML::Flow << k.second;
          e.params[f.first.Scalar()][k.first.Scalar()] = out.c_str();
        }
      }
    }
    lock.stages[kv.first.Scalar()] = std::move(e);
  }
  return lock;
}

std::string lock_text(const LockFile& lock, const std::vector<std::string>& order) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "schema" << YAML::Value << 1 << YAML::Key << "stages" << YAML::Value << YAML::BeginMap;
  for (const std::string& name : order) {
    const auto it = lock.stages.find(name);
    if (it == lock.stages.end()) continue;
    const LockEntry& e = it->second;
    out << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "cmd" << YAML::Value;
    if (e.cmd.size() == 1) out << e.cmd[0];
    else out << e.cmd;
    if (!e.env.empty()) out << YAML::Key << "env" << YAML::Value << e.env;
    emit_paths(out, "deps", e.deps);
    if (!e.params.empty()) {
      out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
      for (const auto& [file, keys] : e.params) {
        out << YAML::Key << file << YAML::Value << YAML::BeginMap;
        for (const auto& [k, v] : keys) out << YAML::Key << k << YAML::Value << YAML::Load(v);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    emit_paths(out, "outs", e.outs);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  if (!out.good()) throw Error(ErrorKind::internal, std::string("cannot write mlops.lock: ") + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void write_lock(const stdfs::path& root, const LockFile& lock, const std::vector<std::string>& order, bool sync_dir) {
  // fs::write_file_atomic, but fdatasync (the file's size and bytes, not its times) and the
  // directory's fsync only when asked: repro writes the lock after every stage.
  const std::string data = lock_text(lock, order);
  const stdfs::path path = root / k_lock_file;
  std::string name = (root / ".mlops.lock.tmp-XXXXXX").string();
  Fd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() < 0) throw_errno("cannot create a temporary file in " + root.string());
  try {
    if (::fchmod(fd.get(), 0644) != 0) throw_errno("cannot chmod " + name);
    write_all(fd.get(), data.data(), data.size(), name);
    if (::fdatasync(fd.get()) != 0) throw_errno("cannot sync " + name);
    if (::close(fd.release()) != 0) throw_errno("cannot close " + name);
    if (::rename(name.c_str(), path.c_str()) != 0) throw_errno("cannot rename into " + path.string());
  } catch (...) {
    ::unlink(name.c_str());
    throw;
  }
  if (sync_dir) fs::fsync_dir(root);
}

std::size_t clean_lock_temps(const stdfs::path& root, bool lock_held) {
  constexpr std::string_view prefix = ".mlops.lock.tmp-";
  const auto now = std::chrono::system_clock::now();
  std::size_t removed = 0;
  std::error_code ec;
  for (stdfs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // mkostemp's six characters, nothing else: a file of the user's that merely starts so stays.
    if (!name.starts_with(prefix) || name.size() != prefix.size() + 6) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!lock_held) {
      const auto mtime = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec));
      if (now - mtime < std::chrono::minutes(1)) continue;  // perhaps a writer at work
    }
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace mlops::pipeline
