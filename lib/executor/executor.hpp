// SPDX-License-Identifier: MIT
// Where sweep points run: one interface, one table (docs/architecture.md, "Executors").
// This module knows schedulers, not experiments: exp builds a TaskBatch (whose command is
// `mlops exp __task ...`) and reads the states back; nothing here reaches into exp or the CLI.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::executor {

namespace stdfs = std::filesystem;

// What a task asks of the scheduler; empty fields are left to the site's defaults.
struct Resources {
  std::string cpus, mem, gpus, time, partition, account, qos;
  std::map<std::string, std::string> as_map() const;
  // The field `key` names (as_map's keys) set to `value`; false for a key that is none of them.
  bool set(std::string_view key, std::string value);
};

// N tasks of one sweep submitted at once. A task learns its index from the scheduler
// (Slurm: SLURM_ARRAY_TASK_ID plus the offset passed in its command).
struct TaskBatch {
  std::string name;                      // the job name: mlops-<SWEEP ULID>, how a lost submission is found again
  std::vector<size_t> indexes;           // global indexes to run, sorted
  size_t parallel = 0;                   // at most this many at once (0: no cap)
  std::vector<std::string> command;      // argv of the task body; "{offset}" is replaced by the chunk's offset
  std::vector<std::string> export_vars;  // the only variables of ours the task sees (never the whole environment)
  stdfs::path workdir;                   // where the task starts (shared with the client)
  stdfs::path log_dir;                   // the scheduler's own log per task (created before submitting)
  std::string log_prefix;                // before "%A_%a.log" in log_dir (a shared /tmp needs the sweep's name)
  Resources resources;
};

// One scheduler job covering some indexes: index = offset + the task's array index.
struct Submission {
  std::string job;
  size_t offset = 0;
  std::vector<size_t> indexes;
};

// A task as the scheduler sees it. `state`: queued, running, completed, failed, timeout,
// oom, node_fail, preempted, cancelled (lower case); `raw` is the scheduler's word.
struct TaskState {
  std::string state, raw;
  std::string job;    // the scheduler's id of the job holding the task (a job the caller never recorded is found by name)
  size_t offset = 0;  // that job's index offset
  std::optional<int> exit_code;
};

// One line of `mlops executor test`: what was checked, what was found, whether mlops can
// work with it (and, when not, what to do).
struct Fact {
  std::string name, value;
  bool ok = true;
  std::string hint;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Reachability, the limits the scheduler will apply, whether accounting is on. The first
  // fact is "reachable"; when it is not ok, it is the only one.
  virtual std::vector<Fact> describe() = 0;
  // Runs `script` (sh) once as a task of `b` would run (same export list, directory and
  // resources; b.indexes and b.command are not used), waiting at most `timeout`; its
  // output, or nullopt when it did not end in time (it is cancelled then).
  virtual std::optional<std::string> probe(const TaskBatch& b, const std::string& script, std::chrono::seconds timeout) = 0;
  // Submits the batch (split where the scheduler's limits require). Each part is reported
  // through `submitting` (job empty) just before the scheduler is asked, so a caller can
  // record that a submission is under way (a client killed during sbatch is then known), and
  // through `submitted` as soon as it exists, so a caller can record it before the next one.
  // Error{remote} with the scheduler's own words when it refuses.
  virtual std::vector<Submission> submit(const TaskBatch& batch, const std::function<void(const Submission&)>& submitting,
                                         const std::function<void(const Submission&)>& submitted) = 0;
  // One job (no array) running `b.command` once, started only after every job of `after_ok`
  // ended successfully and cancelled by the scheduler when one of them did not; its id.
  // `comment` is kept with the job. Error{remote} when the scheduler refuses.
  virtual std::string submit_job(const TaskBatch& b, const std::vector<std::string>& after_ok, const std::string& comment) = 0;
  // The states of these jobs that the scheduler still knows (one query, then accounting for
  // the ones it forgot), by job id.
  virtual std::map<std::string, TaskState> poll_jobs(const std::vector<std::string>& jobs) = 0;
  // The states of the tasks of the jobs named `name` that the scheduler still knows, by
  // global index: ONE scheduler query (then one fallback query when the first knows nothing).
  virtual std::map<size_t, TaskState> poll(const std::string& name, const std::vector<Submission>& known) = 0;
  // Cancels every job named `name` (recorded or not), or one task (index) of the jobs.
  virtual void cancel(const std::string& name, const std::vector<Submission>& jobs, std::optional<size_t> index) = 0;
};

struct Row {
  std::string_view name;
  std::string_view summary;             // what it maps to, for `mlops exp run --help` and the docs
  bool in_process;                      // runs in the client (exp's worktree pool), no scheduler
  std::unique_ptr<Executor> (*make)();  // null where not implemented yet
};

// executors.<name> of mlops.yaml (docs/formats.md): resources and the extra variables a task
// receives. A cloned mlops.yaml is hostile: Error{invalid_input} with FILE:LINE for a value
// sbatch could misread (safe_value), an entry that is not a variable name, a section that is
// not a mapping. Nothing set (or no file): empty settings. `user_file` (the user's
// config.yaml, config::user_config_file(); empty: none) gives defaults, checked the same way:
// per key the project's value wins, `export` lists are merged.
struct Settings {
  Resources resources;
  std::vector<std::string> exports;
  std::string remote;  // `remote`: the git remote (name or URL) tasks use when the nodes share no filesystem
};
Settings read_settings(const stdfs::path& project_file, const std::string& name, const stdfs::path& user_file);
// The variables every task receives from the submitting environment; executors.<name>.export
// adds names. Never the whole environment: a secret set in the client's shell stays there.
inline constexpr const char* k_default_exports[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"};
// A value that may reach sbatch's arguments (a resource): no control character, no quote.
bool safe_value(std::string_view v);
// A variable name a task may receive: [A-Za-z_][A-Za-z0-9_]*, and not one of the words
// sbatch's --export gives a meaning to (ALL, NONE, NIL: the whole environment, or nothing).
bool valid_export_name(std::string_view s);

// This mlops binary's path, for a task's command (the nodes run the same one: a shared
// filesystem, or the same path). Error{internal} when /proc cannot tell.
std::string this_program();

// THE table: local, slurm, kubernetes (documented, not implemented).
std::span<const Row> table();
// Error{usage} naming the known executors for an unknown name, or one not implemented yet.
const Row& find(std::string_view name);

// Slurm pieces, public for the unit tests.
namespace slurm {
// Splits sorted indexes into chunks whose array indexes (index - offset) stay below
// max_array_size; each chunk's --array spec ("0-4,7,9-10") is returned with it.
struct Chunk {
  size_t offset = 0;
  std::vector<size_t> indexes;
  std::string array_spec;
};
std::vector<Chunk> chunk(const std::vector<size_t>& indexes, size_t max_array_size);
// The scheduler word (squeue %T or sacct State, e.g. "CANCELLED by 0") -> our state.
std::string map_state(std::string_view raw);
// MaxArraySize from `scontrol show config` output; nullopt when absent.
std::optional<size_t> max_array_size(std::string_view show_config);
}  // namespace slurm

}  // namespace mlops::executor
