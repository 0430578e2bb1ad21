// SPDX-License-Identifier: MIT
#include "scaffold/update_state.hpp"

#include "scaffold/names.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/scaffold.hpp>
#include "core/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace mlops::scaffold {
namespace {

namespace stdfs = std::filesystem;
constexpr const char* k_header = "mlops-update 1";
constexpr std::size_t k_max_state = std::size_t{64} << 20;

stdfs::path state_dir(const git::RepoState& repo) { return repo.git_dir / "mlops-update"; }
constexpr const char* k_stopped = "stopped";  // see mark_stopped

struct Saved {
  std::string kind;  // absent, link, or the file's permission bits in octal ("644")
  std::string blob;
  std::string path;  // relative to the worktree
};
struct State {
  std::string head, branch, to;
  bool index = false;
  std::vector<std::string> dirs;
  std::vector<Saved> files;
};

// A path the state may name: inside the worktree and never into a .git (a hook there would run).
bool restorable(const std::string& rel) {
  if (!is_safe_relative_path(rel)) return false;
  for (const auto& part : stdfs::path(rel)) {
    std::string p = part.string();
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (p == ".git") return false;
  }
  return true;
}

bool object_id(const std::string& s) {
  return (s.size() == 40 || s.size() == 64) && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool octal(const std::string& s) { return !s.empty() && s.size() <= 4 && s.find_first_not_of("01234567") == std::string::npos; }

State read_state(const stdfs::path& dir) {
  const std::string text = fs::read_file(dir / "state", k_max_state);
  std::istringstream in(text);
  std::string line;
  State s;
  auto bad = [&](const std::string& why) -> Error {
    return Error(ErrorKind::invalid_input, (dir / "state").string() + ": " + why,
                 "the saved update state is damaged; restore by hand with git (git status, git checkout, git clean)");
  };
  if (!std::getline(in, line) || line != k_header) throw bad("not an update state of this mlops");
  bool has_index = false;
  while (std::getline(in, line)) {
    const size_t sp = line.find(' ');
    const std::string key = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "head") {
      s.head = rest;
    } else if (key == "branch") {
      s.branch = rest;
    } else if (key == "to") {
      s.to = rest;
    } else if (key == "index") {
      if (rest != "yes" && rest != "no") throw bad("invalid entry '" + printable(line) + "'");
      s.index = rest == "yes";
      has_index = true;
    } else if (key == "dir") {
      if (!restorable(rest)) throw bad("invalid directory '" + printable(rest) + "'");
      s.dirs.push_back(rest);
    } else if (key == "path") {
      std::istringstream fields(rest);
      Saved f;
      fields >> f.kind >> f.blob;
      std::getline(fields, f.path);
      if (!f.path.empty() && f.path[0] == ' ') f.path.erase(0, 1);
      const bool blob_ok = f.kind == "absent" ? f.blob == "-" : object_id(f.blob);
      if (!restorable(f.path) || !blob_ok || (f.kind != "absent" && f.kind != "link" && !octal(f.kind))) {
        throw bad("invalid entry '" + printable(line) + "'");
      }
      s.files.push_back(std::move(f));
    }
  }
  if (s.head.empty() || !has_index) throw bad("no head or index line");
  if (s.index && !stdfs::is_regular_file(stdfs::symlink_status(dir / "index"))) throw bad("the saved index is missing");
  return s;
}

// A saved path is put back only through real directories of the worktree.
bool through_symlink(const stdfs::path& root, const std::string& rel) {
  stdfs::path cur = root;
  const stdfs::path r(rel);
  for (auto it = r.begin(); it != std::prev(r.end()); ++it) {
    cur /= *it;
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) return true;
  }
  return false;
}

// What a run killed mid-write leaves beside a saved path: fs::write_file_atomic's
// `.NAME.tmp-XXXXXX` and write_node's `.NAME.mlops-update-link` (or abort's own link temp).
// Matched on the exact names of the saved files, one pass over each directory.
void remove_half_written(const stdfs::path& worktree, const std::vector<Saved>& files) {
  std::map<stdfs::path, std::set<std::string>> names;
  for (const auto& f : files) {
    const stdfs::path abs = worktree / f.path;
    names[abs.parent_path()].insert(abs.filename().string());
  }
  auto ours = [](const std::string& entry, const std::set<std::string>& in_dir) {
    if (entry.size() < 2 || entry[0] != '.') return false;
    for (const char* suffix : {".mlops-update-link", ".mlops-abort-link"}) {
      const std::string_view sfx(suffix);
      if (entry.size() > sfx.size() + 1 && entry.compare(entry.size() - sfx.size(), sfx.size(), sfx) == 0 &&
          in_dir.count(entry.substr(1, entry.size() - 1 - sfx.size())))
        return true;
    }
    constexpr std::size_t k_tmp = 11;  // ".tmp-" and mkostemp's six characters
    return entry.size() > k_tmp + 1 && entry.compare(entry.size() - k_tmp, 5, ".tmp-") == 0 &&
           in_dir.count(entry.substr(1, entry.size() - 1 - k_tmp));
  };
  for (const auto& [dir, in_dir] : names) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    std::error_code ec;
    for (const auto& e : stdfs::directory_iterator(dir, ec)) {
      const std::string entry = e.path().filename().string();
      if (!ours(entry, in_dir)) continue;
      const auto type = e.symlink_status(ec).type();
      if (type == stdfs::file_type::regular || type == stdfs::file_type::symlink) ::unlink(e.path().c_str());
    }
  }
}

}  // namespace

// A save killed before its rename leaves `mlops-update.tmp-XXXXXX`: nothing was changed
// yet, so it is garbage. One younger than a minute may be another update saving right now.
void remove_dead_saves(const stdfs::path& git_dir) {
  std::error_code ec;
  const auto now = stdfs::file_time_type::clock::now();
  for (const auto& e : stdfs::directory_iterator(git_dir, ec)) {
    if (!e.path().filename().string().starts_with("mlops-update.tmp-") || !e.is_directory(ec) || e.is_symlink(ec)) continue;
    const auto when = stdfs::last_write_time(e.path(), ec);
    if (ec || now - when < std::chrono::minutes(1)) continue;
    stdfs::remove_all(e.path(), ec);
  }
}

void check_no_pending_update(const git::RepoState& repo) {
  const stdfs::path dir = state_dir(repo);
  remove_dead_saves(repo.git_dir);
  std::error_code ec;
  if (!stdfs::exists(dir / "state", ec)) {
    if (stdfs::exists(dir, ec)) stdfs::remove_all(dir, ec);  // a save that never finished: nothing was changed
    return;
  }
  const State s = read_state(dir);
  if (s.head == repo.head && !stdfs::exists(dir / k_stopped, ec)) {
    throw Error(ErrorKind::conflict, "an update to " + printable(s.to) + " was interrupted part-way; the project may be half updated",
                "put everything back with: mlops update --abort (then run the update again)");
  }
  if (s.head == repo.head) {
    throw Error(ErrorKind::conflict, "an update to " + printable(s.to) + " stopped on conflicts and is waiting",
                "resolve them, `git add` the files and `git commit`; or put everything back: mlops update --abort");
  }
  log::info("removing the state of an update that was committed since ({})", s.to);
  stdfs::remove_all(dir, ec);
}

UpdateState save_state(const git::RepoState& repo, const stdfs::path& project, const std::string& prefix,
                       const std::vector<std::string>& paths, const std::string& to, const std::set<std::string>& replaced_dirs) {
  const stdfs::path final_dir = state_dir(repo);
  fs::TempDir tmp(repo.git_dir, "mlops-update.tmp-");
  std::ostringstream out;
  out << k_header << "\nhead " << repo.head << "\nbranch " << repo.branch << "\nto " << to << "\n";
  std::error_code ec;
  const bool has_index = stdfs::exists(repo.git_dir / "index", ec);
  if (has_index) fs::write_file_atomic(tmp.path() / "index", fs::read_file(repo.git_dir / "index"));
  out << "index " << (has_index ? "yes" : "no") << "\n";
  std::set<std::string> dirs;
  for (const auto& rel : paths) {
    for (stdfs::path d = stdfs::path(rel).parent_path(); !d.empty(); d = d.parent_path()) {
      if (!stdfs::is_directory(stdfs::symlink_status(project / d, ec))) dirs.insert(prefix + d.generic_string());
    }
  }
  for (const auto& d : dirs) out << "dir " << d << "\n";  // sorted: parents first
  for (const auto& rel : paths) {
    if (rel.find('\n') != std::string::npos) throw Error(ErrorKind::invalid_input, "a file name holds a line break");
    struct stat st {};
    const stdfs::path abs = project / rel;
    if (::lstat(abs.c_str(), &st) != 0 || (S_ISDIR(st.st_mode) && replaced_dirs.count(rel))) {
      if (!S_ISDIR(st.st_mode) && errno != ENOENT && errno != ENOTDIR) throw_errno("cannot inspect " + abs.string());
      out << "path absent - " << prefix << rel << "\n";
      continue;
    }
    char perms[8];
    std::snprintf(perms, sizeof perms, "%o", static_cast<unsigned>(st.st_mode & 07777));
    const std::string kind = S_ISLNK(st.st_mode) ? "link" : perms;
    if (!S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) throw Error(ErrorKind::conflict, abs.string() + " is not a file");
    out << "path " << kind << " " << git::store_file(repo.worktree, prefix + rel) << " " << prefix << rel << "\n";
  }
  fs::write_file_atomic(tmp.path() / "state", out.str());
  if (::rename(tmp.path().c_str(), final_dir.c_str()) != 0) throw_errno("cannot record the update state in " + final_dir.string());
  tmp.release();
  fs::fsync_dir(repo.git_dir);
  return {final_dir};
}

void mark_stopped(const git::RepoState& repo) { fs::write_file_atomic(state_dir(repo) / k_stopped, ""); }

void finish_state(const git::RepoState& repo) {
  std::error_code ec;
  stdfs::remove_all(state_dir(repo), ec);
  if (ec) log::warn("cannot remove {}: {}", state_dir(repo).string(), ec.message());
}

std::vector<std::string> restore_state(const git::RepoState& repo) {
  const stdfs::path dir = state_dir(repo);
  std::error_code ec;
  if (!stdfs::exists(dir / "state", ec)) {
    throw Error(ErrorKind::usage, "no update to abort in " + repo.worktree.string(),
                "mlops update --abort undoes an update that stopped on conflicts");
  }
  const State s = read_state(dir);
  if (s.head != repo.head) {
    throw Error(ErrorKind::conflict, "HEAD moved since the update stopped (was it committed?); nothing was changed",
                "undo a committed update with git revert");
  }
  const std::string index = s.index ? fs::read_file(dir / "index") : std::string();  // before anything is written
  // What the update created goes first (a directory the template put where a file of yours
  // was is emptied and removed), then the saved files come back.
  std::vector<const Saved*> order;
  for (const auto& f : s.files) {
    if (f.kind == "absent") order.push_back(&f);
  }
  const std::size_t created = order.size();
  for (const auto& f : s.files) {
    if (f.kind != "absent") order.push_back(&f);
  }
  std::vector<std::string> restored;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Saved& f = *order[i];
    if (i == created) {
      remove_half_written(repo.worktree, s.files);
      for (auto it = s.dirs.rbegin(); it != s.dirs.rend(); ++it) ::rmdir((repo.worktree / *it).c_str());  // only if empty
    }
    const stdfs::path abs = repo.worktree / f.path;
    if (through_symlink(repo.worktree, f.path)) throw Error(ErrorKind::conflict, "refusing to restore " + f.path + " through a symlink");
    if (f.kind == "absent") {
      // EISDIR: a directory the update was to replace by a file and had not yet.
      if (::unlink(abs.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR && errno != EISDIR)
        throw_errno("cannot remove " + abs.string());
    } else {
      stdfs::create_directories(abs.parent_path(), ec);
      const std::string data = git::read_blob(repo.worktree, f.blob);
      if (f.kind == "link") {
        const stdfs::path tmp = abs.parent_path() / ("." + abs.filename().string() + ".mlops-abort-link");
        ::unlink(tmp.c_str());
        if (::symlink(data.c_str(), tmp.c_str()) != 0 || ::rename(tmp.c_str(), abs.c_str()) != 0)
          throw_errno("cannot restore " + abs.string());
      } else {
        fs::write_file_atomic(abs, data, stdfs::perms(std::stoul(f.kind, nullptr, 8)));
      }
    }
    restored.push_back(f.path);
  }
  remove_half_written(repo.worktree, s.files);
  if (s.index) {
    fs::write_file_atomic(repo.git_dir / "index", index);
  } else {
    ::unlink((repo.git_dir / "index").c_str());
  }
  for (auto it = s.dirs.rbegin(); it != s.dirs.rend(); ++it) ::rmdir((repo.worktree / *it).c_str());  // only if empty
  stdfs::remove_all(dir, ec);
  return restored;
}

}  // namespace mlops::scaffold
