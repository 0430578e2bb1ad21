// SPDX-License-Identifier: MIT
// `mlops executor test NAME`: what an executor (local, slurm) will do with a sweep: whether
// its scheduler answers, the limits it applies, whether accounting is on, and what a task
// sees (a tiny job reports its environment, the mlops on the node and the repository).
#pragma once

#include <mlops/api.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlops::exp {

struct ExecutorFact {
  std::string name, value;
  bool ok = true;
  std::string hint;  // what to do when not ok, or a note
};

struct ExecutorReport {
  std::string executor;
  bool reachable = false;
  bool ok = false;  // reachable and every fact ok
  std::vector<ExecutorFact> facts;
};

// Error{usage} for an unknown executor. `run_job`: also submit the tiny job (needs a git
// repository at `cwd`, as a sweep does), waiting at most `timeout_s` for it. `remote` (else
// executors.<name>.remote): the git remote of a sweep whose nodes share no filesystem; then
// whether this machine and the job's node reach it is checked instead of whether the node can
// write the repository. Error{usage} for a URL a sweep would refuse (a password in it).
MLOPS_API ExecutorReport test_executor(const std::filesystem::path& cwd, const std::string& name, bool run_job, int timeout_s,
                                       const std::string& remote = {});
// The probe job's check on a node: connects to the git remote `url` through libgit2 (read-only,
// nothing fetched) and returns the line the client reads: "remote: reachable" or
// "remote: unreachable: REASON" (one line, no credentials).
MLOPS_API std::string probe_remote_line(const std::string& url);

}  // namespace mlops::exp
