// SPDX-License-Identifier: MIT
// The -S override of a single run and its undoing, made so that a process killed at any
// point (kill -9, power loss) leaves a state the next mlops command settles, and settling
// itself can be killed at any point and simply run again:
//
//   .git/mlops/restore/<ws>/<run>.json    the record, written first: owner process, and per
//                                         file its path and the hashes of its content before
//                                         (orig) and during the run (new)
//   .git/mlops/restore/<ws>/<run>.<n>.orig the content before, written second
//   the params files                      written last
//
// <ws> is one working tree (16 hex of the sha256 of its path; linked worktrees share the
// common .git); workspace-<ws>.lock beside it is held by the run that owns the records, and
// by whoever settles them. Settling decides each file from its content alone: the original
// already (nothing to do), the override (put the original back), anything else (the user's
// edit: left alone, the original kept as <run>.<n>.kept). Then the .orig files, the record
// and any temporary file of an interrupted write go.
#include "exp/workspace.hpp"

#include "core/fd.hpp"
#include "core/json.hpp"
#include "core/sha256.hpp"
#include "exp/live.hpp"
#include "exp/values.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <optional>

namespace mlops::exp {
namespace {

stdfs::path restore_dir(const stdfs::path& mlops_dir) { return mlops_dir / "restore"; }

std::string workspace_id(const stdfs::path& workdir) { return sha256_hex(workdir.string()).substr(0, 16); }

stdfs::path lock_path(const stdfs::path& dir, const std::string& ws) { return dir / ("workspace-" + ws + ".lock"); }

ProcessIdentity owner_of(const nlohmann::json& j) {
  return ProcessIdentity{j.value("pid", 0), j.value("boot_id", ""), j.value("start_time", std::uint64_t{0}), j.value("host", "")};
}

std::optional<std::string> read_if_exists(const stdfs::path& p) {
  std::error_code ec;
  if (!stdfs::exists(stdfs::symlink_status(p, ec))) return std::nullopt;
  return fs::read_regular_file(p, k_max_project_file);
}

void remove_quietly(const stdfs::path& p) {
  std::error_code ec;
  stdfs::remove(p, ec);
}

// Temporary files fs::write_file_atomic leaves when killed mid-write: ".<name>.tmp-XXXXXX".
void remove_temporaries_of(const stdfs::path& file) {
  const std::string prefix = "." + file.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& e : stdfs::directory_iterator(file.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0) remove_quietly(e.path());
  }
}

// Settles one record whose owner is gone (or is us, at the end of the run). Idempotent:
// every step either is done or finds its work done. Returns messages for the user.
std::vector<std::string> settle(const stdfs::path& record, bool tell_restored) {
  std::vector<std::string> notes;
  const stdfs::path dir = record.parent_path();
  const std::string stem = record.stem().string();
  nlohmann::json j;
  try {
    j = parse_json(fs::read_file(record), record.string());
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) return notes;  // settled meanwhile
    j = nullptr;
  }
  if (!j.is_object() || !j.contains("files") || !j["files"].is_array()) {
    // Not ours to interpret: keep every backup of it where the user can find it.
    for (size_t n = 0;; ++n) {
      const stdfs::path orig = dir / (stem + "." + std::to_string(n) + ".orig");
      std::error_code ec;
      if (!stdfs::exists(orig, ec)) break;
      stdfs::rename(orig, dir / (stem + "." + std::to_string(n) + ".kept"), ec);
    }
    std::error_code ec;
    stdfs::rename(record, dir / (stem + ".json.bad"), ec);
    notes.push_back("the restore record " + record.string() +
                    " is unreadable; it was moved aside, and any saved params files are kept as " + (dir / (stem + ".*.kept")).string());
    return notes;
  }
  size_t n = 0;
  for (const auto& f : j["files"]) {
    const size_t i = n++;
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) continue;
    const stdfs::path target = f["path"].get<std::string>();
    const stdfs::path orig = dir / (stem + "." + std::to_string(i) + ".orig");
    const stdfs::path written = dir / (stem + "." + std::to_string(i) + ".new");  // records of an earlier mlops
    const stdfs::path kept = dir / (stem + "." + std::to_string(i) + ".kept");
    const bool existed = f.value("existed", true);
    std::optional<std::string> orig_sha =
        f.contains("orig") && f["orig"].is_string() ? std::optional(f["orig"].get<std::string>()) : std::nullopt;
    std::optional<std::string> new_sha =
        f.contains("new") && f["new"].is_string() ? std::optional(f["new"].get<std::string>()) : std::nullopt;
    const std::optional<std::string> orig_text = read_if_exists(orig);
    if (!orig_sha && orig_text) orig_sha = sha256_hex(*orig_text);
    if (!new_sha) {
      if (const auto t = read_if_exists(written)) new_sha = sha256_hex(*t);
    }
    if ((existed && !orig_sha) || !new_sha) continue;  // an old record past this file: restored already
    remove_temporaries_of(target);
    const std::optional<std::string> current = read_if_exists(target);
    const bool is_original = existed ? current && sha256_hex(*current) == *orig_sha : !current;
    if (is_original) continue;
    const bool is_override = current && sha256_hex(*current) == *new_sha;
    if (!is_override) {
      // The user changed (or removed) it after we wrote it: theirs wins, the original is kept.
      if (existed) {
        std::error_code ec;
        if (orig_text) stdfs::rename(orig, kept, ec);
        notes.push_back(target.string() + " changed during the run and was left as it is; its content before the run is in " +
                        kept.string());
      } else {
        notes.push_back(target.string() + " (created for the run) changed during the run and was left as it is");
      }
      continue;
    }
    if (!existed) {
      if (::unlink(target.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + target.string());
      fs::fsync_dir(target.parent_path());
    } else {
      if (!orig_text || sha256_hex(*orig_text) != *orig_sha) {
        notes.push_back("cannot restore " + target.string() + ": its saved original " + orig.string() + " is missing or damaged");
        continue;
      }
      std::error_code ec;
      const auto perms = stdfs::status(target, ec).permissions();
      fs::write_file_atomic(target, *orig_text, ec ? stdfs::perms(0644) : perms);
    }
    if (tell_restored) notes.push_back("restored " + target.string());
  }
  for (size_t i = 0; i < n; ++i) {
    remove_quietly(dir / (stem + "." + std::to_string(i) + ".orig"));
    remove_quietly(dir / (stem + "." + std::to_string(i) + ".new"));
  }
  if (::unlink(record.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + record.string());
  fs::fsync_dir(dir);
  return notes;
}

// Under the workspace's lock: settles every record of `ws_dir` whose owner is gone, then
// removes what interrupted writes left (temporary files; backups whose record is gone).
std::vector<std::string> settle_workspace(const stdfs::path& ws_dir, bool tell_restored) {
  std::vector<std::string> notes;
  std::error_code ec;
  std::vector<stdfs::path> records, others;
  for (const auto& e : stdfs::directory_iterator(ws_dir, ec)) {
    (e.path().extension() == ".json" && e.path().filename().string()[0] != '.' ? records : others).push_back(e.path());
  }
  bool busy = false;
  for (const auto& rec : records) {
    try {
      const nlohmann::json j = parse_json(fs::read_file(rec), rec.string());
      if (j.is_object() && still_running(owner_of(j))) {
        busy = true;  // not ours to touch, nor its files
        continue;
      }
    } catch (const Error&) {
    }
    for (auto& n : settle(rec, tell_restored)) notes.push_back(std::move(n));
  }
  if (busy) return notes;
  for (const auto& p : others) {
    const std::string name = p.filename().string();
    const bool tmp = name[0] == '.' && name.find(".tmp-") != std::string::npos;
    const bool leftover = p.extension() == ".orig" || p.extension() == ".new";
    if (tmp || leftover) remove_quietly(p);  // every record is settled: nothing refers to them
  }
  return notes;
}

class WorkspaceLock {
 public:
  // Blocking or not; throws only when the lock file cannot be opened.
  WorkspaceLock(const stdfs::path& path, bool wait) : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (!m_fd) throw_errno("cannot open " + path.string());
    int rc;
    while ((rc = ::flock(m_fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 && errno == EINTR) {
    }
    m_held = rc == 0;
  }
  bool held() const { return m_held; }
  int release() {
    m_held = false;
    return m_fd.release();
  }

 private:
  Fd m_fd;
  bool m_held = false;
};

}  // namespace

ParamsOverride::ParamsOverride(Repo& r, const std::string& run_id, const std::map<stdfs::path, std::string>& files) {
  for (const auto& [path, content] : files) {
    std::error_code e0;
    if (stdfs::is_symlink(path, e0)) {
      // Written atomically, it would become a file in place of the link.
      throw Error(ErrorKind::usage, "-S cannot override " + path.string() + ": it is a symlink",
                  "name the file it points to: -S FILE:KEY=VALUE");
    }
  }
  const stdfs::path dir = restore_dir(r.mlops_dir);
  const std::string ws = workspace_id(r.workdir);
  const stdfs::path ws_dir = dir / ws;
  std::error_code ec;
  stdfs::create_directories(ws_dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + ws_dir.string() + ": " + ec.message());
  // One override at a time per workspace; the kernel drops the lock if we die.
  WorkspaceLock lock(lock_path(dir, ws), false);
  if (!lock.held()) {
    throw Error(ErrorKind::conflict, "another 'mlops exp run' is running with overridden params in this workspace",
                "wait for it, or pass --isolated to run in a separate worktree");
  }
  // Whatever a run that died left is settled before we take over the files.
  for (const auto& n : settle_workspace(ws_dir, true)) log::warn("after an interrupted run: {}", n);

  const ProcessIdentity me = current_process();
  nlohmann::json rec{{"run", run_id}, {"pid", me.pid}, {"boot_id", me.boot_id}, {"start_time", me.start_time}, {"host", me.host}};
  rec["files"] = nlohmann::json::array();
  std::vector<std::optional<std::string>> originals;
  for (const auto& [path, content] : files) {
    std::optional<std::string> before = read_if_exists(path);
    nlohmann::json f{{"path", path.string()}, {"existed", before.has_value()}, {"new", sha256_hex(content)}};
    if (before) f["orig"] = sha256_hex(*before);
    rec["files"].push_back(std::move(f));
    originals.push_back(std::move(before));
  }
  m_record = ws_dir / (run_id + ".json");
  fs::write_file_atomic(m_record, json_text(rec, 2) + "\n");  // first: from here on, recovery knows what to undo
  try {
    size_t n = 0;
    for (const auto& orig : originals) {
      if (orig) fs::write_file_atomic(ws_dir / (run_id + "." + std::to_string(n) + ".orig"), *orig);
      ++n;
    }
    n = 0;
    for (const auto& [path, content] : files) {
      std::error_code e2;
      const auto st = stdfs::status(path, e2);
      fs::write_file_atomic(path, content, originals[n++] && !e2 ? st.permissions() : stdfs::perms(0644));
    }
  } catch (...) {
    try {
      for (const auto& note : settle(m_record, false)) log::warn("{}", note);
    } catch (const std::exception& e) {
      log::warn("could not undo the params override: {} (the next mlops command will retry)", e.what());
    }
    throw;
  }
  m_lock_fd = lock.release();
}

std::vector<std::string> ParamsOverride::restore() {
  std::vector<std::string> notes;
  if (m_restored) return notes;
  m_restored = true;
  notes = settle(m_record, false);
  if (m_lock_fd >= 0) {
    ::close(m_lock_fd);
    m_lock_fd = -1;
  }
  return notes;
}

ParamsOverride::~ParamsOverride() {
  try {
    for (const auto& n : restore()) log::warn("{}", n);
  } catch (const std::exception& e) {
    log::warn("could not restore the params files: {} (the next mlops command will retry)", e.what());
  }
  if (m_lock_fd >= 0) ::close(m_lock_fd);
}

std::vector<std::string> recover_workspace(const stdfs::path& cwd) {
  std::vector<std::string> notes;
  // Runs before most commands: find the repository without starting libgit2.
  const auto dirs = git::find_repo_dirs(cwd);
  if (!dirs) return notes;
  const stdfs::path dir = restore_dir(dirs->gitdir / "mlops");
  std::error_code ec;
  if (!stdfs::is_directory(dir, ec)) return notes;
  for (const auto& e : stdfs::directory_iterator(dir, ec)) {
    try {
      if (e.is_directory()) {
        // Any workspace's: the records hold absolute paths, and its lock tells who may act.
        if (stdfs::is_empty(e.path())) continue;
        WorkspaceLock lock(lock_path(dir, e.path().filename().string()), false);
        if (!lock.held()) continue;  // its run is going, and settles its own
        for (auto& n : settle_workspace(e.path(), true)) notes.push_back(std::move(n));
      } else if (e.path().extension() == ".json") {
        // A record of an earlier mlops, beside the locks (its files compared through .orig and .new).
        if (still_running(owner_of(parse_json(fs::read_file(e.path()), e.path().string())))) continue;
        for (auto& n : settle(e.path(), true)) notes.push_back(std::move(n));
        const std::string stem = e.path().stem().string();
        for (const auto& f : stdfs::directory_iterator(dir, ec)) {
          const std::string name = f.path().filename().string();
          if (name.rfind(stem + ".", 0) == 0 && (f.path().extension() == ".orig" || f.path().extension() == ".new"))
            remove_quietly(f.path());
        }
      }
    } catch (const std::exception& ex) {
      notes.push_back("cannot restore from " + e.path().string() + ": " + ex.what());
    }
  }
  return notes;
}

}  // namespace mlops::exp
