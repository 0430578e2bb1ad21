// SPDX-License-Identifier: MIT
// Experiments tracked as git objects: every run is a commit under refs/mlops/exps/<ULID>
// whose parent is a snapshot of the code it ran. docs/formats.md describes the layout.
#pragma once

#include <mlops/api.hpp>
#include <mlops/json_value.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::exp {

namespace stdfs = std::filesystem;

struct Metric {
  double last = 0, min = 0, max = 0;
  std::int64_t step = 0;   // step of the last value
  std::int64_t count = 0;  // number of values logged
};

struct Artifact {
  std::string path;  // relative to the project root
  std::uint64_t size = 0;
  std::string sha256;
  bool kept = false;  // stored under .git/mlops/outputs so `exp apply` can bring it back
};

struct Run {
  std::string id;        // ULID
  std::string short_id;  // set by list_runs: the shortest prefix (8+) that names this run alone
  std::string name;
  std::string status;  // running, completed, failed, interrupted, crashed
  std::vector<std::string> argv;
  std::optional<int> exit_code;
  int signal = 0;
  std::string baseline;  // HEAD when the run started
  std::string snapshot;  // commit S with the code that ran (== baseline when clean)
  std::string commit;    // run commit R (what the ref points at)
  bool dirty = false;
  std::string started, ended;  // RFC 3339 UTC
  double duration = 0;         // seconds
  std::string host, user, os, tool_version, cwd;
  std::vector<std::string> tags;
  std::string note, sweep;
  JsonValue params;  // a flat object of typed values
  std::map<std::string, Metric> metrics;
  std::vector<Artifact> artifacts;
  std::vector<std::string> warnings;  // e.g. a metrics file that did not parse
  bool stdout_truncated = false, stderr_truncated = false;
  int pid = 0;  // of the recording process, while running
  std::string boot_id;
  std::uint64_t pid_start = 0;
};

MLOPS_API nlohmann::json to_json(const Run& r);

// ---- recording ----

struct RunOptions {
  std::vector<std::string> argv;  // the command
  std::string name;               // -n; generated when empty
  std::vector<std::string> sets;  // -S [FILE:]KEY=VALUE[,VALUE...]
  int jobs = 0;                   // sweep points at once; 0: MLOPS_JOBS, else `jobs` of mlops.yaml or the user config, else 1
  bool isolated = false;
  bool include_untracked = false;
  bool new_keys = false;
  std::vector<std::string> tags;
  std::string note;
  // Where the points run (docs/architecture.md, "Executors"): "" or "local" here; "slurm"
  // submits the sweep as one array job and returns (detached) unless `wait`.
  std::string executor;
  std::map<std::string, std::string> resources;  // cpus, mem, gpus, time, partition, account, qos: over mlops.yaml's
  bool wait = false;
  // With a scheduler: the git remote (name or URL) the tasks fetch the sweep from and push their
  // runs to, for nodes that do not share this repository's filesystem; empty: executors.<name>.remote
  // of mlops.yaml, else none (the tasks open this repository by its path).
  std::string remote;
  // Metrics files the command vouches for although it did not write them during the run: path
  // (relative to the project) -> the sha256 the file must have. Asked once the command exited
  // 0, with the project directory it ran in. A metrics file older than the run is otherwise
  // not recorded (a stale one was once credited to a run); the pipeline (exp run without a
  // command) sets this to its stages' `metrics:` as mlops.lock records them, because a stage
  // restored from the run cache or up to date leaves its metrics file as it was. Such a file
  // is recorded even when mlops.yaml's `metrics:` does not list it.
  std::function<std::map<std::string, std::string>(const stdfs::path& project)> vouched_metrics;
};

// What the library reports while runs happen; the CLI prints it.
struct RunEvents {
  std::function<void(const Run&)> started;
  std::function<void(const Run&)> finished;
  // Output of the command: fd 1 or 2, bytes. Default: written through to our stdout/stderr.
  std::function<void(const Run&, int fd, std::string_view bytes)> output;
  // Something the user may want to know that is not a problem with the run and is not
  // recorded (e.g. a metrics file left by an earlier run); after `finished`.
  std::function<void(const Run&, const std::string&)> note;
};

struct RunResult {
  std::vector<Run> runs;
  int exit_code = 0;  // the command's (first failing one's, for a sweep)
  std::string sweep;  // the sweep submitted to a scheduler (runs is then empty)
};

MLOPS_API RunResult run(const stdfs::path& cwd, const RunOptions& options, const RunEvents& events);

// ---- sweeps on a scheduler (`exp run --executor slurm`; docs/formats.md, "Sweep manifests") ----
// A point's state: its run ref decides (completed, failed, interrupted); the scheduler is
// asked only about points without a final run: queued, running, timeout, oom, node_fail,
// preempted, cancelled, lost (the scheduler no longer knows it and no run was recorded),
// unsubmitted. An interrupted run the scheduler cancelled or timed out shows as that.
struct SweepPoint {
  size_t index = 0;
  std::string run, name, state, job;
  std::optional<int> exit_code;
  bool final = false;  // will not change any more
  std::string reason;  // why a point has no run, as its task left it (sweeps through a git remote)
};
struct SweepStatus {
  std::string id, executor;
  std::vector<SweepPoint> points;
  bool finished = false;  // every point final
  bool ok = false;        // every point completed
};
MLOPS_API SweepStatus sweep_status(const stdfs::path& cwd, const std::string& sweep);
// Polls (one scheduler query per round, backing off from 2 s to 60 s) until every point is
// final; `progress` after each round. Error{interrupted} on Ctrl-C (the sweep goes on).
MLOPS_API SweepStatus sweep_wait(const stdfs::path& cwd, const std::string& sweep, const std::function<void(const SweepStatus&)>& progress);
// Resubmits the points without a final run that the scheduler is not running; returns how many.
MLOPS_API size_t sweep_resume(const stdfs::path& cwd, const std::string& sweep, const RunOptions& overrides);
// Cancels a whole sweep, or the one point of a run (id, name or prefix, or a queued point's run id).
MLOPS_API std::string sweep_cancel(const stdfs::path& cwd, const std::string& spec);
// The body of one scheduler task (hidden `mlops exp __task`): the point at `offset` + the
// scheduler's task index, checked out into local scratch, claimed, run and recorded.
// With `remote` (the sweep's git remote), the task works in a scratch repository: the manifest
// and the point's snapshot fetched from it, the run pushed back (retried), the scratch removed.
MLOPS_API RunResult sweep_task(const stdfs::path& cwd, const std::string& sweep, size_t offset, const RunEvents& events,
                               const std::string& remote = {});

// `mlops exp log` from inside a running command (found through $MLOPS_RUN_DIR).
struct LogEntry {
  std::map<std::string, double> metrics;  // NaN and ±Infinity are recorded as such
  std::optional<std::int64_t> step;
  std::map<std::string, std::string> params;  // raw text, typed like -S values
  std::vector<std::string> artifacts;
  // Feature importances (explainability): recorded as the run's importances.json.
  std::map<std::string, double> importances;
};
MLOPS_API void log(const LogEntry& entry);

// ---- reading ----

struct ListOptions {
  bool all = false;                  // every run, not just those based on HEAD's recent history
  std::string filter;                // the filter language (filter.hpp)
  std::string sort;                  // [-]FIELD; default: newest first
  std::size_t limit = 0;             // 0 = no limit
  std::vector<std::string> columns;  // fields to show (checked and resolved like the others)
};

// What `exp list` shows: the runs, and the columns asked for with every name resolved.
// Field names in the filter, the sort and the columns must exist in at least one listed run
// (in any run when none is listed; unchecked params./metrics. names when there is no run at
// all); a bare name meaning exactly one params.X or metrics.X stands for it (logged at info
// level). Otherwise Error{usage} naming the closest existing names.
struct Listing {
  std::vector<Run> runs;
  std::vector<std::string> columns;
  std::size_t in_scope = 0;  // runs in the scope (HEAD's history, or all) before the filter
  std::size_t total = 0;     // every run in the repository
};
MLOPS_API Listing list_runs(const stdfs::path& cwd, const ListOptions& options);

MLOPS_API std::vector<Run> list(const stdfs::path& cwd, const ListOptions& options);
// The same as a JSON array; without a filter or sort it streams the cached records as they
// are, which keeps `exp list --json` fast on tens of thousands of runs.
MLOPS_API std::string list_json(const stdfs::path& cwd, const ListOptions& options);
// RUN is an id, a name, or a prefix (4+ characters, any case) of an id or of its random part
// (the last 16 characters; short_id shows the first 8 or more of them). Error{not_found} suggesting
// close names, Error{usage} listing the candidates when ambiguous, Error{invalid_input} for
// a ref that holds no valid run.
MLOPS_API Run show(const stdfs::path& cwd, const std::string& run);
// The feature importances the run recorded (its importances.json; empty when none).
// Error{invalid_input} when the file is malformed.
MLOPS_API std::map<std::string, double> importances(const stdfs::path& cwd, const Run& run);
// The tail (at most `max_bytes`) of a run's captured stdout (fd 1) or stderr (fd 2).
MLOPS_API std::string log_tail(const stdfs::path& cwd, const Run& run, int fd, std::size_t max_bytes);

// Value of FIELD for a run: params.X, metrics.X (last; .min/.max/.step/.count), id, short_id,
// name, status, exit_code, baseline, dirty, started, ended, duration, host, user, sweep, note.
MLOPS_API std::optional<nlohmann::json> field(const Run& r, const std::string& name);
// The first 8 characters of the id's random part: unique in practice, and accepted wherever
// a run is named (list_runs lengthens it where another run shares them: Run::short_id).
MLOPS_API std::string short_run_id(const std::string& id);
// Text from a run record (names, tags, notes, keys: anyone's repository may hold anything)
// made safe for a terminal: control characters, escape sequences and invalid UTF-8 are
// shown as \n, \t, \xNN.
MLOPS_API std::string printable(std::string_view text);

// ---- changing ----

MLOPS_API std::vector<std::string> remove(const stdfs::path& cwd, const std::vector<std::string>& runs);
MLOPS_API Run tag(const stdfs::path& cwd, const std::string& run, const std::vector<std::string>& add,
                  const std::vector<std::string>& remove);

struct ApplyResult {
  std::vector<std::string> written, removed, outputs;
  std::string backup_ref;  // refs/mlops/backup/<ULID> when uncommitted work was saved first
  // Git-ignored files the run's kept outputs replaced, saved first as files (too big for
  // git, often) under backup_dir (.git/mlops/backup/<ULID>/, paths relative to the project).
  std::vector<std::string> saved;
  std::string backup_dir;
};
MLOPS_API ApplyResult apply(const stdfs::path& cwd, const std::string& run, bool force);
MLOPS_API std::string branch(const stdfs::path& cwd, const std::string& run, const std::string& name);

struct SyncResult {
  std::vector<std::string> updated;   // run ids created or changed on the other side
  std::vector<std::string> rejected;  // "id: reason"
  std::size_t unchanged = 0;
};
MLOPS_API SyncResult push(const stdfs::path& cwd, const std::string& remote);
MLOPS_API SyncResult pull(const stdfs::path& cwd, const std::string& remote);

struct GcResult {
  std::size_t live_dirs = 0, worktrees = 0, outputs = 0, cache_entries = 0;
  bool packed = false;
  std::vector<std::string> pruned;        // "REF: why" for each invalid ref removed
  std::vector<std::string> invalid_kept;  // "REF: why" for invalid refs left (no --prune-invalid, or not removable)
};
MLOPS_API GcResult gc(const stdfs::path& cwd);
struct GcOptions {
  bool prune_invalid = false;  // delete refs under refs/mlops/exps/ that hold no valid run
};
MLOPS_API GcResult gc(const stdfs::path& cwd, const GcOptions& options);

// ---- comparing ----

struct ValueDelta {
  std::string key;
  std::optional<JsonValue> old_value, new_value;
};
struct RunDiff {
  std::string old_label, new_label;
  std::vector<ValueDelta> params, metrics;  // only keys that differ
  std::string code_patch;                   // unified diff between the snapshots
};
// Two runs, or one run against the workspace (run_b empty).
MLOPS_API RunDiff diff(const stdfs::path& cwd, const std::string& run_a, const std::string& run_b);

// `mlops params diff` / `mlops metrics show|diff`: the declared files in the workspace
// against REV (default HEAD).
MLOPS_API RunDiff diff_workspace_values(const stdfs::path& cwd, const std::string& rev, bool params, bool metrics);
MLOPS_API nlohmann::json show_workspace_metrics(const stdfs::path& cwd);

// Puts back params files that a killed `exp run` left overridden (called before commands
// that work in a repository). Returns what it restored, for a message.
MLOPS_API std::vector<std::string> recover_workspace(const stdfs::path& cwd);

// ---- shell completion ----

struct RunLabel {
  std::string id, name, status, started;  // name, status and started are "" until listed once
};
// The runs of the repository around `cwd`, newest first, from the ref files and the listing
// cache only: no libgit2 and nothing written, fast enough for a shell's Tab. A run that no
// command has listed since it finished is known by its id only. Empty outside a repository.
MLOPS_API std::vector<RunLabel> complete_runs(const stdfs::path& cwd);

}  // namespace mlops::exp
