// SPDX-License-Identifier: MIT
// The listing cache, .git/mlops/cache/exps-v1: one line per run commit,
//   <commit> <status> <baseline> <JSON of the run>
// and a last line "#check <hex>" (a checksum of the lines before it; no match: rebuilt),
// keyed by the immutable commit id, so an entry is never wrong, only missing or unused.
// It is derived data: rebuilt when missing, and the refs always decide what exists.
#pragma once

#include "exp/store.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace mlops::exp {

struct CachedRun {
  std::string id;      // from the ref
  std::string commit;
  std::string status;  // as recorded (a "running" one may have crashed since)
  std::string baseline;
  std::string json;    // to_json(run), compact
};

// Every run the refs name, from the cache where possible and from git otherwise (then the
// cache is rewritten). Sorted by id, newest last.
std::vector<CachedRun> load_runs(Repo& r);

}  // namespace mlops::exp
