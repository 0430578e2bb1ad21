// SPDX-License-Identifier: MIT
// Gate evaluation shared by check and report.
#pragma once

#include "ci/gates_config.hpp"

#include <mlops/ci.hpp>
#include <mlops/exp.hpp>

#include <optional>
#include <set>
#include <string>

namespace mlops::ci {

// The params and metrics names the repository's runs (and the subjects) have.
struct Names {
  std::set<std::string> fields;
  void add(const exp::Run& r);
  // metrics.X, params.X, metrics.X.max, or a bare X meaning one of them; a run field
  // (status, duration...) as it is. Error{usage} naming the closest existing names.
  std::string resolve(const std::string& name, const exp::Run& subject, const std::string& where) const;
};

// One condition of mlops.yaml on `run` (named `subject`), against `base` when there is one.
GateResult evaluate(const GateSpec& g, const std::string& field, const Subject& subject, const exp::Run& run,
                    const std::optional<Subject>& base_subject, const exp::Run* base);

}  // namespace mlops::ci
