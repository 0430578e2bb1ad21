// SPDX-License-Identifier: MIT
// Whether a stage must run: its lock entry against the workspace now. The first reason
// found, cheapest checks first (journal, command, env, params), then the content of deps and
// outputs through the stat cache.
#pragma once

#include "pipeline/hashing.hpp"
#include "pipeline/lockfile.hpp"
#include "pipeline/stages.hpp"

#include <optional>
#include <string>

namespace mlops::pipeline {

struct Decision {
  std::string reason;  // empty: up to date
  LockEntry inputs;    // cmd, env, deps and params as they are now (outs left empty)
};

// `interrupted_run`: the started journal names this stage.
Decision decide(const Pipeline& p, const Stage& s, const LockEntry* locked, bool interrupted_run, Hasher& hasher);

// The params' values now (canonical YAML text; "<missing>" for a key or file that is gone).
std::map<std::string, std::map<std::string, std::string>> current_params(const Pipeline& p, const Stage& s);

// Where mlops keeps this project's local pipeline state (never committed): <git dir>/mlops/pipeline,
// or .mlops/pipeline in a project without git.
stdfs::path state_dir(const stdfs::path& root);

}  // namespace mlops::pipeline
