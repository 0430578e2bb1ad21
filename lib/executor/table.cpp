// SPDX-License-Identifier: MIT
#include "executor/executor.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/error.hpp>

#include <array>

namespace mlops::executor {

std::unique_ptr<Executor> make_slurm();  // slurm.cpp

namespace {
const std::array<Row, 3> k_table{{
    {"local", "this machine: each point in a temporary worktree, --jobs at once (the default)", true, nullptr},
    {"slurm",
     "one array job per sweep (sbatch --parsable --array=0-N%J, split past MaxArraySize); states from squeue, then sacct; "
     "cancel with scancel; the task runs `mlops exp __task` in the shared repository",
     false, &make_slurm},
    {"kubernetes",
     "not implemented yet: an Indexed Job (completions=N, parallelism=J, JOB_COMPLETION_INDEX), states from the Job and its "
     "pods, cancel by DELETE with propagationPolicy=Background",
     false, nullptr},
}};
}  // namespace

std::map<std::string, std::string> Resources::as_map() const {
  std::map<std::string, std::string> m;
  const std::pair<const char*, const std::string*> fields[] = {
      {"cpus", &cpus}, {"mem", &mem}, {"gpus", &gpus}, {"time", &time}, {"partition", &partition}, {"account", &account}, {"qos", &qos}};
  for (const auto& [k, v] : fields) {
    if (!v->empty()) m[k] = *v;
  }
  return m;
}

bool Resources::set(std::string_view key, std::string value) {
  std::string* const fields[] = {&cpus, &mem, &gpus, &time, &partition, &account, &qos};
  const std::string_view names[] = {"cpus", "mem", "gpus", "time", "partition", "account", "qos"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == key) {
      *fields[i] = std::move(value);
      return true;
    }
  }
  return false;
}

std::span<const Row> table() { return k_table; }

const Row& find(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& row : k_table) {
    if (row.name == name) {
      if (!row.in_process && row.make == nullptr) {
        throw Error(ErrorKind::usage, "executor '" + std::string(name) + "' is not implemented yet", "use --executor local or slurm");
      }
      return row;
    }
    names.emplace_back(row.name);
  }
  throw Error(ErrorKind::usage, "unknown executor '" + std::string(name) + "'",
              did_you_mean(closest_names(name, names)) + " known executors: local, slurm, kubernetes");
}

}  // namespace mlops::executor
