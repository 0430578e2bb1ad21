// SPDX-License-Identifier: MIT
// Pieces of `exp run` that a scheduler task (sweep_remote.cpp) shares with a local run.
#pragma once

#include "exp/store.hpp"

#include <mlops/exp.hpp>

namespace mlops::exp {

// A new "running" Run for the command in `o`, started now by this process.
Run new_run(const Repo& r, const RunOptions& o, const stdfs::path& cwd, const std::string& name);
// The params files under `project`, flattened; files that do not parse become warnings.
FlatValues read_params(const stdfs::path& project, const std::vector<std::string>& files, std::vector<std::string>& warnings);
// The snapshot's files in `dir`, never touching the user's index.
void checkout_into(Repo& r, const std::string& commit, const stdfs::path& dir);

}  // namespace mlops::exp
