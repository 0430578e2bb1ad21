// SPDX-License-Identifier: MIT
// The files of a run commit (docs/formats.md, "Experiments"): run.json, params.json,
// metrics.json, artifacts.json. Written with sorted keys so equal runs give equal blobs.
#pragma once

#include <mlops/exp.hpp>

#include <string>

namespace mlops::exp {

inline constexpr int k_run_schema = 1;

nlohmann::json run_json(const Run& r);      // run.json
nlohmann::json metrics_json(const Run& r);  // metrics.json
nlohmann::json artifacts_json(const Run& r);

// Fills `r` from the four documents; Error{invalid_input} naming `where` on a bad schema.
void read_run_json(Run& r, const nlohmann::json& run, const std::string& where);
void read_metrics_json(Run& r, const nlohmann::json& metrics);
void read_artifacts_json(Run& r, const nlohmann::json& artifacts);

// A metric name as a file name under series/ ("train/loss" -> "train%2Floss.tsv").
std::string series_file_name(const std::string& metric);

}  // namespace mlops::exp
