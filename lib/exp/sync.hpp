// SPDX-License-Identifier: MIT
// The git side of `exp push` / `exp pull` (sync.cpp), for the commands that move refs through a
// git remote besides them: a sweep sent to a scheduler with a git remote (sweep_remote.cpp)
// pushes its manifest and snapshots, its tasks fetch them and push their runs back, and
// `exp status` pulls the runs. One implementation of push and fetch: this one.
#pragma once

#include "exp/store.hpp"

#include <mlops/exp.hpp>

#include <set>
#include <string>
#include <vector>

namespace mlops::exp {

// Pushes `specs` ("SRC:DST" ref names; ":DST" deletes) to `remote` (a git remote's name or a
// URL). Returns the refs the server refused ("REF: reason"); Error{remote} (its retry class
// kept) when the remote cannot be reached. Never prints or records the URL's credentials.
std::vector<std::string> push_refspecs(Repo& r, const std::string& remote, const std::vector<std::string>& specs);
// Fetches `specs` ("+SRC:DST") from `remote`; Error{remote} as push_refspecs.
void fetch_refspecs(Repo& r, const std::string& remote, const std::vector<std::string>& specs);
// Connects to `remote` and lists its refs, nothing fetched or pushed: whether this machine
// reaches it with its own credentials (`executor test`). `r` null: `remote` is a URL and no
// repository is at hand (the probe job on a node, which may have none). Error{remote} (its
// retry class kept) when it cannot be reached; never prints or records the URL's credentials.
void check_reachable(Repo* r, const std::string& remote);
// `exp push` of the runs `only` names (every run when null): each run checked first, only
// fast-forwards of what the remote has.
SyncResult push_runs(Repo& r, const std::string& remote, const std::set<std::string>* only);
// What a caller of pull_runs gets from the same connection besides the runs.
struct PullExtras {
  std::vector<std::string> specs;  // "+SRC:DST" fetched too, pruned like the runs (DST mirrors SRC)
  std::string list_prefix;         // the refs the remote advertises under it...
  std::set<std::string> listed;    // ...by full name (nothing of theirs is downloaded)
  std::set<std::string> run_ids;   // the valid runs the remote holds
};
// `exp pull`: the remote's runs fetched, checked, and created, fast-forwarded or merged here.
SyncResult pull_runs(Repo& r, const std::string& remote, PullExtras* extras = nullptr);

}  // namespace mlops::exp
