// SPDX-License-Identifier: MIT
// The gates: section of mlops.yaml. Read by this one function so that it can move onto the
// shared mlops.yaml loader unchanged.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mlops::ci {

struct GateSpec {
  std::string field;  // as written: metrics.accuracy, or a bare accuracy
  std::string kind;   // min, max, max_drop, max_rise, max_drop_pct, max_rise_pct
  double threshold = 0;
  std::string source;  // mlops.yaml:LINE
};

inline constexpr const char* k_gate_kinds[] = {"min", "max", "max_drop", "max_rise", "max_drop_pct", "max_rise_pct"};

// The nearest mlops.yaml at or above `cwd` ("" when there is none).
std::filesystem::path find_project_file(const std::filesystem::path& cwd);
// Error{usage} "FILE:LINE: ..." for invalid YAML or a malformed section; none when absent.
std::vector<GateSpec> read_gates(const std::filesystem::path& mlops_yaml);

// promote: {require: [signed, gates]}: what a promotion needs. Error{usage} at FILE:LINE.
std::vector<std::string> read_promote_requirements(const std::filesystem::path& mlops_yaml);

}  // namespace mlops::ci
