// SPDX-License-Identifier: MIT
// Sweeps sent to a scheduler through lib/executor: the manifest ref, submission, and the
// state of each point (its run ref first, the scheduler second).
#pragma once

#include "exp/executor.hpp"
#include "exp/store.hpp"

#include <mlops/exp.hpp>

namespace mlops::exp {

inline constexpr const char* k_sweep_ref_prefix = "refs/mlops/sweeps/";

// Error{usage} for an unknown or unimplemented executor.
void check_executor(const std::string& name);
// Writes the manifest, then submits `jobs` (their runs not started: ids, names, snapshots)
// as one array job; returns the sweep id.
std::string submit_sweep(Repo& r, const RunOptions& o, const std::string& sweep, const std::vector<Job>& jobs, const std::string& rel_cwd,
                         int parallel);

}  // namespace mlops::exp
