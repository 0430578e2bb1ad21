// SPDX-License-Identifier: MIT
// What `mlops update --abort` needs, saved before an update touches the project: HEAD, the
// index file and every file the update writes or removes (as blobs in the repository).
// docs/formats.md, "Update state", describes the file.
#pragma once

#include "git/merge.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace mlops::scaffold {

struct UpdateState {
  std::filesystem::path dir;  // <git dir>/mlops-update
};

// Error{conflict} while an update that stopped on conflicts is waiting (HEAD where it left
// it); a state whose HEAD has moved on (the user committed the resolution) is removed.
void check_no_pending_update(const git::RepoState& repo);

// Saves the state for `paths` (relative to `project`, which is `prefix` in the worktree), in
// one rename, before anything changes. A path in `replaced_dirs` is a directory the update
// empties and puts a file in place of: saved as absent (its files are in `paths`).
UpdateState save_state(const git::RepoState& repo, const std::filesystem::path& project, const std::string& prefix,
                       const std::vector<std::string>& paths, const std::string& to, const std::set<std::string>& replaced_dirs = {});

// Every file is written and staged and the update waits on conflicts; without this mark a
// state is the trace of a run that was killed part-way (the message differs, --abort is the same).
void mark_stopped(const git::RepoState& repo);

// The update was committed: the state goes.
void finish_state(const git::RepoState& repo);

// Puts every saved file, the index and the created directories back; returns the paths
// restored (relative to the worktree).
std::vector<std::string> restore_state(const git::RepoState& repo);

}  // namespace mlops::scaffold
