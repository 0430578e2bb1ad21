// SPDX-License-Identifier: MIT
// A run's feature importances (importances.json in its tree), for reports and model cards.
#include "exp/store.hpp"
#include "exp/values.hpp"

#include <mlops/exp.hpp>

namespace mlops::exp {

std::map<std::string, double> importances(const stdfs::path& cwd, const Run& run) {
  std::map<std::string, double> out;
  if (run.commit.empty()) return out;
  Repo repo = open_repo(cwd, false);
  const auto text = read_run_file(repo, run.commit, "importances.json");
  if (!text) return out;
  // The record may come from anyone's repository: read_values limits depth; numbers only.
  for (const auto& [k, v] : read_values(*text, "importances.json of run " + run.id))
    if (const auto x = number_of(v)) out[k] = *x;
  return out;
}

}  // namespace mlops::exp
