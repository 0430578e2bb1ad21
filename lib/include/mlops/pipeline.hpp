// SPDX-License-Identifier: MIT
// Pipelines: the `stages:` of mlops.yaml, their graph, the committed mlops.lock, and running
// what changed (`mlops repro`, `status`, `dag`). docs/formats.md ("Pipelines") has the keys,
// the lock file and the rules that decide whether a stage runs.
#pragma once

#include <mlops/api.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

// Why a stage must run; `reason` empty when it is up to date.
struct StageState {
  std::string name;
  bool stale = false;
  bool frozen = false;
  std::string reason;    // the first reason found: "command changed", "dep data/x.csv changed", ...
  bool running = false;  // a live `mlops repro` runs it now (also stale: its outputs are not final)
};

// Every stage in the graph's order (dependencies first), compared with mlops.lock and the
// workspace. Reads only; hashes only files whose stat data the stat cache does not know.
MLOPS_API std::vector<StageState> status(const stdfs::path& project, const std::vector<std::string>& targets = {},
                                         std::size_t* files_hashed = nullptr);

// A line a stage's command printed: `err` for its stderr.
using LineSink = std::function<void(const std::string& stage, const std::string& line, bool err)>;
// A stage's fate as repro decides it: "running", "skipped" (up to date), "done", "failed".
using EventSink = std::function<void(const std::string& stage, const std::string& event, const std::string& detail)>;

struct ReproOptions {
  std::vector<std::string> targets;  // stages (and their upstream); empty: every stage
  unsigned jobs = 0;                 // stages run at once; 0: one per core
  bool dry = false;                  // decide and report, run nothing, write nothing
  bool force = false;                // run the targets even when up to date (not from the run cache)
  bool keep_going = false;           // after a failure, run what does not depend on it
  bool no_run_cache = false;         // run commands even when the run cache has their outputs
  bool downstream = false;           // the targets and what depends on them (not their upstream)
  bool single_item = false;          // the targets only (not their upstream)
  stdfs::path store;                 // the blob store outputs are cached in (config: $MLOPS_HOME ...)
  // repro --pull: asked when the store has no run-cache entry for a stage's input key; true
  // when it put one there (with its blobs) from a remote.
  std::function<bool(const std::string& key)> fetch_run;
  LineSink on_line;
  EventSink on_event;
  // "" or "local": here. A scheduler ("slurm"): each stage that must run is submitted as one
  // job running `mlops repro --single-item STAGE` on a node, after its upstream stages' jobs
  // (afterok); returns once submitted unless `wait`. Events: "submitted", "would submit".
  std::string executor;
  bool wait = false;
  // Run no command: a stage that must run is restored from the run cache (and fetch_run) when
  // it can be, and recorded in mlops.lock as repro records it; one that cannot is listed in
  // `not_run` with every stage downstream of it. repro --executor does this first, so that a
  // hit is restored here and never submitted. With `dry`: "would restore" for a hit.
  bool restore_only = false;
};

struct ReproResult {
  std::vector<std::string> ran, skipped, failed, not_run;  // not_run: downstream of a failure
  std::vector<std::string> restored;                       // outputs put back from the run cache
  std::size_t files_hashed = 0;                            // files read to hash them (the stat cache knew the rest)
  std::size_t lock_writes = 0;                             // mlops.lock rewrites (one per scheduling round)
  std::vector<std::pair<std::string, std::string>> jobs;   // with an executor: (stage, the scheduler's job id), in order
};

// Runs the stale stages (and, by content, whatever their new outputs make stale), in
// parallel where the graph allows, under the project's pipeline lock (waits for another
// repro). mlops.lock is rewritten atomically after each stage that finished. A command that
// fails is listed in `failed` (the caller decides the exit code); Error for what stops the
// run itself (a bad mlops.yaml or graph, an interrupt, the disk).
MLOPS_API ReproResult repro(const stdfs::path& project, const ReproOptions& options);

struct CheckoutResult {
  std::vector<std::string> restored, unchanged;  // output paths
};
// Puts every cached output of the selected stages back as mlops.lock records it, from the
// store. Error{not_found} naming an output whose blobs the store lacks (nothing changed then);
// Error{invalid_input} for a corrupt blob. Outputs that already match are left alone.
// Error{conflict} (nothing changed) naming an output whose present content the store lacks
// (an edit that replacing it would lose), unless `force`.
MLOPS_API CheckoutResult checkout(const stdfs::path& project, const std::vector<std::string>& targets, const stdfs::path& store,
                                  bool force = false);

// The `metrics:` files of the stages mlops.lock records as finished (not frozen, no started
// entry), path relative to the project -> the sha256 recorded. After a repro of every stage
// succeeded, these are the metrics the pipeline stands for, whether the stages ran, were
// restored from the run cache or were up to date (`exp run` without a command credits them).
// Reads mlops.yaml, mlops.lock and the started journal; hashes nothing.
MLOPS_API std::map<std::string, std::string> recorded_metrics(const stdfs::path& project);

// The stages of `project`'s mlops.yaml in graph order (empty without a `stages:` section);
// Error as repro gives it for a bad mlops.yaml.
MLOPS_API std::vector<std::string> stage_names(const stdfs::path& project);

enum class DagFormat { text, dot, mermaid };
MLOPS_API std::string dag(const stdfs::path& project, DagFormat format);

}  // namespace mlops::pipeline
