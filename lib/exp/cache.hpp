// SPDX-License-Identifier: MIT
// The listing cache, .git/mlops/cache/exps-v1: one line per run commit,
//   <commit> <status> <baseline> <JSON of the run>
// keyed by the immutable commit id, so an entry is never wrong, only missing or unused, and
// ending in a checksum line. It is derived data: rebuilt when missing or damaged, and the
// refs always decide which runs exist.
#pragma once

#include "exp/store.hpp"

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::exp {

struct CachedRun {
  std::string id;
  std::string commit;
  std::string_view status;  // as recorded (a "running" one may have crashed since)
  std::string_view baseline;
  std::string_view json;    // the run as `exp list --json` prints it, compact
};

// Every run the refs name, newest last. The views point into this object.
struct RunIndex {
  std::vector<CachedRun> runs;
  std::string cache_text;         // the cache file as read
  std::deque<std::string> fresh;  // records read from git this time
};

// Where to look, and how to open the repository with libgit2 when the cache and the ref
// files are not enough (missing entries, unusual refs). A warm listing never calls it.
struct IndexSource {
  stdfs::path gitdir;
  stdfs::path mlops_dir;
  std::function<Repo&()> repo;
};

RunIndex load_runs(const IndexSource& src);
RunIndex load_runs(Repo& r);

// The runs the ref files name with what the cache knows of them, never starting libgit2 and
// writing nothing (shell completion); a run missing from the cache has an empty `json`.
// nullopt when the refs need libgit2 (reftable, a symbolic ref).
std::optional<RunIndex> cached_runs_only(const stdfs::path& gitdir, const stdfs::path& mlops_dir);

}  // namespace mlops::exp
