// SPDX-License-Identifier: MIT
// Runs commands for `exp run`: output streamed live and captured (capped), several at once
// for sweeps, signals passed on, and each run finalized into its run commit.
#pragma once

#include "exp/store.hpp"

#include <mlops/exp.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlops::exp {

struct Job {
  Run run;
  std::string first_commit;    // R0, what the ref points at while the job runs
  stdfs::path cwd;             // where the command runs
  stdfs::path project;         // where its metrics and outputs are
  stdfs::path live_dir;        // .git/mlops/live/<id>
  bool keep_outputs = false;   // isolated runs: outputs are stored for `exp apply`
  bool prefix_output = false;  // "[name] " before each line, when several run at once
  // RunOptions::vouched_metrics: metrics files recorded though older than the run.
  std::function<std::map<std::string, std::string>(const stdfs::path& project)> vouched_metrics;
};

// Runs the jobs, at most `parallel` at a time, and finalizes each (metrics, series, outputs,
// logs, run commit, ref). `prepare` runs just before a job's command starts (it writes the
// first run commit and the ref, and sets up the job's directory), so jobs never started
// leave nothing behind; `on_done` right after the job's ref moved to its final commit.
void execute(Repo& r, std::vector<Job>& jobs, size_t parallel, const RunEvents& events, const std::function<void(Job&)>& prepare,
             const std::function<void(Job&)>& on_done);

}  // namespace mlops::exp
