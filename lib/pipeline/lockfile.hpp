// SPDX-License-Identifier: MIT
// mlops.lock: what each stage was when it last finished (command, env, deps and outs with
// their sha256 and size, params' values). Committed by the user; written atomically.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

inline constexpr const char* k_lock_file = "mlops.lock";

struct LockedPath {
  std::string path;
  std::string sha256;  // hex
  std::uint64_t size = 0;
  std::optional<std::uint64_t> nfiles;  // directories
  bool operator==(const LockedPath&) const = default;
};

struct LockEntry {
  std::vector<std::string> cmd;
  std::map<std::string, std::string> env;
  std::vector<LockedPath> deps, outs;  // sorted by path
  // file -> key -> the value as canonical YAML text (flow style)
  std::map<std::string, std::map<std::string, std::string>> params;
};

struct LockFile {
  std::map<std::string, LockEntry> stages;
};

// Reads `root`/mlops.lock; an empty LockFile when there is none. Error{invalid_input} with
// FILE:LINE when it is not a lock file this version understands.
LockFile read_lock(const stdfs::path& root);
// The same checks on a lock's text (a git blob: cache gc --rev).
LockFile parse_lock(const std::string& text);
std::string lock_text(const LockFile& lock, const std::vector<std::string>& order);
// Written atomically: a temporary file, its data synced (fdatasync), renamed over
// mlops.lock, so readers, a kill -9 and a power loss all find a whole lock, old or new.
// `sync_dir` also syncs the directory, making the rename itself durable: repro does that
// once, at its end (engine.cpp says why the renames in between need not be).
void write_lock(const stdfs::path& root, const LockFile& lock, const std::vector<std::string>& order, bool sync_dir = true);

// Removes the `.mlops.lock.tmp-XXXXXX` files a writer killed between its mkostemp and its
// rename left in `root`. A live writer holds the pipeline lock (<state>/lock) for that whole
// window: with `lock_held` (the caller holds it) every such file is a dead writer's; without,
// only those untouched for a minute are taken as dead. Returns how many were removed.
std::size_t clean_lock_temps(const stdfs::path& root, bool lock_held);

}  // namespace mlops::pipeline
