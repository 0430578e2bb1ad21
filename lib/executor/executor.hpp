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
  // Submits the batch (split where the scheduler's limits require); each Submission is
  // reported through `submitted` as soon as it exists, so a caller can record it before the
  // next one. Error{remote} with the scheduler's own words when it refuses.
  virtual std::vector<Submission> submit(const TaskBatch& batch, const std::function<void(const Submission&)>& submitted) = 0;
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
