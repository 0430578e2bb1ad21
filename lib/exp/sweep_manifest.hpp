// SPDX-License-Identifier: MIT
// The sweep manifest (sweep.json under refs/mlops/sweeps/<SWEEP>, docs/formats.md "Sweep
// manifests") as a typed value. A manifest may arrive from a remote with `git fetch`, so it is
// read as hostile: every read goes through parse_sweep_manifest, which checks the nesting,
// each field's type, the sizes and that `cwd` stays inside the repository, before any of it
// reaches sbatch's arguments or a path.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::exp {

inline constexpr int k_sweep_manifest_schema = 1;
inline constexpr std::size_t k_sweep_manifest_max_bytes = 64u << 20;
inline constexpr std::size_t k_sweep_manifest_max_depth = 16;

struct SweepManifestPoint {
  std::size_t index = 0;  // its position in `points`
  std::string run;        // the run's ULID
  std::string name;
  std::string snapshot, baseline;  // commit ids (40 hex digits), or empty
  bool dirty = false;
};

// One array job, or (job empty, `submitting`) one about to be: written before sbatch runs so
// that a client killed in between is known (docs/formats.md).
struct SweepSubmission {
  std::string job;  // the scheduler's job id (digits); empty while submitting
  std::size_t offset = 0;
  std::vector<std::size_t> indexes;
  std::string submitted;  // RFC 3339; empty: null (found later by name)
  bool submitting = false;
  std::string host;  // of the submitting client, with its pid: a living client is still at it
  long pid = 0;
};

struct SweepManifest {
  std::string id, executor, cwd, note, created;
  // The git remote the tasks fetch the manifest and their snapshots from and push their runs
  // to (no shared filesystem); empty: they open the submitting repository by its path.
  std::string remote;
  std::vector<std::string> argv, tags, exports;
  std::size_t parallel = 0;
  std::map<std::string, std::string> resources;  // cpus, mem, gpus, time, partition, account, qos
  std::vector<SweepManifestPoint> points;
  std::vector<SweepSubmission> submissions;
  std::vector<std::size_t> cancelled;
};

// Why `url` cannot be a sweep's git remote (empty: it can): a URL libgit2 fetches from
// (http(s)://, ssh://, git://, file://, an absolute path or scp-like [USER@]HOST:PATH), at
// most 4 KiB of ASCII, without a control character, a leading '-' or a credential (a password
// anywhere, a user name or token outside ssh, a query or fragment): tasks would find it in the
// manifest and in their batch script.
std::string git_remote_url_problem(const std::string& url);

// Error{invalid_input} "sweep SWEEP: ..." naming the first field that is not what mlops writes
// (or the JSON error); never another exception.
SweepManifest parse_sweep_manifest(std::string_view text, const std::string& sweep);
// The JSON text; parse_sweep_manifest reads it back equal.
std::string sweep_manifest_text(const SweepManifest& m);

}  // namespace mlops::exp
