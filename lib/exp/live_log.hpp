// SPDX-License-Identifier: MIT
// What `mlops exp log` appends during a run: .git/mlops/live/<id>/log.jsonl, one JSON object
// per call, written with a single O_APPEND write so concurrent callers never interleave.
#pragma once

#include "exp/values.hpp"

#include <mlops/exp.hpp>

#include <map>
#include <string>
#include <vector>

namespace mlops::exp {

struct SeriesPoint {
  std::int64_t step = 0;
  double time = 0;  // seconds since the epoch
  double value = 0;
};

struct LiveData {
  std::map<std::string, std::vector<SeriesPoint>> series;
  FlatValues params;
  std::vector<std::string> artifacts;  // absolute paths
  std::map<std::string, double> importances;
  std::vector<std::string> warnings;
};

inline constexpr const char* k_run_dir_env = "MLOPS_RUN_DIR";
// What a run writes to record feature importances (a flat JSON object of numbers).
inline constexpr const char* k_importances_file = "importances.json";
inline constexpr const char* k_run_id_env = "MLOPS_RUN_ID";

// Reads a live directory; steps left out are numbered per metric in logging order.
LiveData read_live(const stdfs::path& live_dir);

// series TSV text and the summary for one metric.
std::string series_tsv(const std::vector<SeriesPoint>& points);
Metric summarize(const std::vector<SeriesPoint>& points);

}  // namespace mlops::exp
