// SPDX-License-Identifier: MIT
// Where a package comes from: the git commit of the project, whether the work tree had
// uncommitted changes, and the experiment run that made the model.
#pragma once

#include <mlops/package.hpp>

#include <nlohmann/json.hpp>

#include <map>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlops::package {

namespace stdfs = std::filesystem;

struct Lineage {
  std::string commit;  // HEAD, "" outside git or before the first commit
  std::int64_t commit_time = 0;
  bool dirty = false;  // tracked files differ from HEAD
  std::string source;  // origin's URL without credentials
  // From --from-exp:
  std::string run_id, run_name, run_snapshot, run_status;
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json metrics = nlohmann::json::object();    // metric -> last value
  nlohmann::json artifacts = nlohmann::json::object();  // path -> sha256 recorded by the run
  std::map<std::string, double> importances;            // the run's feature importances
  std::vector<CardGate> gates;                          // the run's gates (BuildOptions::gates)
  std::string gates_error;
};

// Reads git state for `project`; never fails outside a repository.
Lineage git_lineage(const stdfs::path& project);
// Adds the run's record; Error{not_found} for an unknown run.
void add_run(Lineage& lineage, const stdfs::path& cwd, const std::string& run);

// RFC 3339 UTC, seconds precision.
std::string rfc3339(std::int64_t unix_seconds);
// Accepts RFC 3339 with 'Z' or an offset; Error{usage} otherwise. Returns the canonical UTC form.
std::string normalise_time(const std::string& text);

}  // namespace mlops::package
