// SPDX-License-Identifier: MIT
// What a report shows, gathered once and rendered as Markdown, HTML or JSON.
#pragma once

#include <mlops/ci.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops::ci {

struct Point {
  double step = 0, value = 0;
};

struct PackageRow {
  std::string ref, digest;
  bool signed_ = false;
  std::string key_id;
};

struct RunRow {
  Subject subject;
  std::map<std::string, nlohmann::json> params;
  std::map<std::string, double> metrics;             // last values
  std::map<std::string, std::vector<Point>> series;  // HTML only: thinned to a few hundred points
  std::map<std::string, double> importances;         // the run's importances.json, if any
  bool gates_checked = false;
  std::vector<GateResult> gates;
  std::vector<PackageRow> packages;
};

struct ReportModel {
  std::vector<RunRow> runs;
  std::optional<RunRow> baseline;
  std::vector<std::string> notes;
};

ReportModel collect_report(const stdfs::path& cwd, const ReportOptions& options);
// Within `cap` bytes (a GitHub comment counts characters; a byte is never fewer): rows that do
// not fit are left out with a note after their table, never a cut table.
std::string report_markdown(const ReportModel& m, std::size_t cap);
// One self-contained page: inline CSS and SVG, a CSP that forbids fetching anything.
std::string report_html(const ReportModel& m);
nlohmann::json report_json(const ReportModel& m);

}  // namespace mlops::ci
