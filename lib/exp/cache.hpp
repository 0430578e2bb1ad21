// SPDX-License-Identifier: MIT
// The listing cache, .git/mlops/cache/exps-v2: one line per run commit,
//   <commit> <id> <status> <baseline> <JSON of the run>
// or, for a commit that holds no valid run, `<commit> ! <why>`; keyed by the immutable
// commit id, so an entry is never wrong, only missing or unused, and ending in a checksum
// line. It is derived data: rebuilt when missing or damaged, and the refs always decide
// which runs exist.
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
  std::string_view json;  // the run as `exp list --json` prints it, compact
};

// A ref under refs/mlops/exps/ that holds no valid run: skipped by every reader.
struct InvalidRef {
  std::string ref;     // the full ref name, as found (may hold anything: print it with printable())
  std::string commit;  // what it points at ("" when it holds no object id)
  std::string reason;  // "it points at a blob, not a run commit"
};

// Every valid run the refs name, sorted by id (newest last). The views point into this object.
struct RunIndex {
  std::vector<CachedRun> runs;
  std::vector<InvalidRef> invalid;
  std::string cache_text;         // the cache file as read
  std::deque<std::string> fresh;  // records read from git this time
};

// Where to look, and how to open the repository with libgit2 when the cache and the ref
// files are not enough (missing entries, unusual refs). A warm listing never calls it.
struct IndexSource {
  stdfs::path gitdir;
  stdfs::path mlops_dir;
  std::function<Repo&()> repo;
  bool warn_invalid = true;  // log the invalid refs (once per process for each)
};

RunIndex load_runs(const IndexSource& src);
RunIndex load_runs(Repo& r, bool warn_invalid = true);

// The runs the ref files name with what the cache knows of them, never starting libgit2 and
// writing nothing (shell completion); a run missing from the cache has an empty `json`.
// nullopt when the refs need libgit2 (reftable, a symbolic ref).
std::optional<RunIndex> cached_runs_only(const stdfs::path& gitdir, const stdfs::path& mlops_dir);

}  // namespace mlops::exp
