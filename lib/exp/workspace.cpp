// SPDX-License-Identifier: MIT
#include "exp/workspace.hpp"

#include "core/json.hpp"
#include "core/sha256.hpp"
#include "exp/live.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/fs.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace mlops::exp {
namespace {

stdfs::path restore_dir(const stdfs::path& mlops_dir) { return mlops_dir / "restore"; }

// One lock per working tree: linked worktrees share the restore directory (it is in the
// common .git), but each is a workspace of its own.
stdfs::path workspace_lock(const stdfs::path& dir, const stdfs::path& workdir) {
  return dir / ("workspace-" + sha256_hex(workdir.string()).substr(0, 16) + ".lock");
}

ProcessIdentity owner_of(const nlohmann::json& j) {
  return ProcessIdentity{j.value("pid", 0), j.value("boot_id", ""), j.value("start_time", std::uint64_t{0}), j.value("host", "")};
}

// Restores the files of one record; returns messages for the user.
std::vector<std::string> restore_record(const stdfs::path& record) {
  std::vector<std::string> notes;
  nlohmann::json j = nlohmann::json::parse(fs::read_file(record));
  const std::string stem = record.stem().string();
  size_t n = 0;
  for (const auto& f : j["files"]) {
    const stdfs::path target = f["path"].get<std::string>();
    const stdfs::path orig = record.parent_path() / (stem + "." + std::to_string(n) + ".orig");
    const stdfs::path written = record.parent_path() / (stem + "." + std::to_string(n) + ".new");
    ++n;
    std::string current;
    bool exists = true;
    try {
      current = fs::read_file(target);
    } catch (const Error&) {
      exists = false;
    }
    const std::string ours = fs::read_file(written);
    if (exists && current != ours) {
      // The user changed it after we wrote it: theirs wins, the original is kept.
      const stdfs::path kept = record.parent_path() / (stem + "." + std::to_string(n - 1) + ".kept");
      stdfs::rename(orig, kept);
      notes.push_back(target.string() + " changed during the run and was left as it is; its content before the run is in " +
                      kept.string());
      continue;
    }
    const auto perms = exists ? stdfs::status(target).permissions() : stdfs::perms(0644);
    fs::write_file_atomic(target, fs::read_file(orig), perms);
    std::error_code ec;
    stdfs::remove(orig, ec);
    notes.push_back("restored " + target.string());
  }
  for (size_t i = 0; i < n; ++i) {
    std::error_code ec;
    stdfs::remove(record.parent_path() / (stem + "." + std::to_string(i) + ".new"), ec);
  }
  stdfs::remove(record);
  return notes;
}

}  // namespace

ParamsOverride::ParamsOverride(Repo& r, const std::string& run_id, const std::map<stdfs::path, std::string>& files) {
  const stdfs::path dir = restore_dir(r.mlops_dir);
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  // One override at a time per workspace; the kernel drops the lock if we die.
  m_lock_fd = ::open(workspace_lock(dir, r.workdir).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_lock_fd < 0) throw_errno("cannot open the workspace lock");
  if (::flock(m_lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(m_lock_fd);
    m_lock_fd = -1;
    throw Error(ErrorKind::conflict, "another 'mlops exp run' is running with overridden params in this workspace",
                "wait for it, or pass --isolated to run in a separate worktree");
  }
  // Records left by a run that died are settled before we take over the files; those of a
  // run still going in another worktree are its own.
  for (const auto& e : stdfs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    const nlohmann::json rec = nlohmann::json::parse(fs::read_file(e.path()), nullptr, false);
    if (rec.is_object() && !still_running(owner_of(rec))) restore_record(e.path());
  }
  const ProcessIdentity me = current_process();
  nlohmann::json rec{{"run", run_id}, {"pid", me.pid}, {"boot_id", me.boot_id}, {"start_time", me.start_time}, {"host", me.host}};
  rec["files"] = nlohmann::json::array();
  size_t n = 0;
  for (const auto& [path, content] : files) {
    fs::write_file_atomic(dir / (run_id + "." + std::to_string(n) + ".orig"), fs::read_file(path));
    fs::write_file_atomic(dir / (run_id + "." + std::to_string(n) + ".new"), content);
    rec["files"].push_back({{"path", path.string()}});
    ++n;
  }
  m_record = dir / (run_id + ".json");
  fs::write_file_atomic(m_record, json_text(rec, 2) + "\n");  // the record last: it commits the backup
  for (const auto& [path, content] : files) fs::write_file_atomic(path, content, stdfs::status(path).permissions());
}

std::vector<std::string> ParamsOverride::restore() {
  std::vector<std::string> notes;
  if (m_restored) return notes;
  m_restored = true;
  notes = restore_record(m_record);
  if (m_lock_fd >= 0) {
    ::close(m_lock_fd);
    m_lock_fd = -1;
  }
  return notes;
}

ParamsOverride::~ParamsOverride() {
  try {
    for (const auto& n : restore()) log::debug("{}", n);
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
    if (e.path().extension() != ".json") continue;
    try {
      if (still_running(owner_of(nlohmann::json::parse(fs::read_file(e.path()))))) continue;
      for (auto& n : restore_record(e.path())) notes.push_back(std::move(n));
    } catch (const std::exception& ex) {
      notes.push_back("cannot restore from " + e.path().string() + ": " + ex.what());
    }
  }
  return notes;
}

}  // namespace mlops::exp
