// SPDX-License-Identifier: MIT
#include "package/card.hpp"

#include <mlops/package.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlops::package {
namespace {

// Markdown table cells: pipes and newlines would break the row.
std::string cell(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string human_size(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string model_card(const Spec& spec, const Lineage& lineage, const std::string& ref, const std::string& created,
                       const std::vector<CardFile>& files) {
  std::string md = "# " + (spec.name.empty() ? ref : spec.name) + "\n\n";
  if (!spec.description.empty()) md += spec.description + "\n\n";
  md += "| | |\n|---|---|\n";
  md += "| Package | `" + ref + "` |\n";
  if (!spec.version.empty()) md += "| Version | " + cell(spec.version) + " |\n";
  if (!spec.authors.empty()) {
    std::string a;
    for (const auto& x : spec.authors) a += (a.empty() ? "" : ", ") + x;
    md += "| Authors | " + cell(a) + " |\n";
  }
  if (!spec.license.empty()) md += "| License | " + cell(spec.license) + " |\n";
  md += "| Created | " + created + " |\n";
  for (const auto& e : spec.entries) {
    if (e.kind != "weight") continue;
    if (!e.framework.empty() || !e.format.empty()) {
      md += "| Model | `" + cell(e.path) + "`" +
            (e.framework.empty() ? "" : " (" + cell(e.framework) + (e.format.empty() ? "" : ", " + cell(e.format)) + ")") + " |\n";
    }
  }
  md += "\n## Lineage\n\n";
  if (lineage.commit.empty()) {
    md += "Not built from a git repository.\n";
  } else {
    md += "- Commit: `" + lineage.commit + "`" + (lineage.dirty ? " with uncommitted changes" : "") + "\n";
    if (!lineage.source.empty()) md += "- Source: " + lineage.source + "\n";
  }
  if (!lineage.run_id.empty()) {
    md += "- Experiment run: `" + lineage.run_name + "` (`" + lineage.run_id + "`, " + lineage.run_status + ")\n";
    if (!lineage.run_snapshot.empty()) md += "- Code that ran: `" + lineage.run_snapshot + "`\n";
    if (!lineage.params.empty()) {
      md += "\n### Parameters\n\n| name | value |\n|---|---|\n";
      for (const auto& [k, v] : lineage.params.items()) md += "| " + cell(k) + " | " + cell(value_text(v)) + " |\n";
    }
    if (!lineage.metrics.empty()) {
      md += "\n### Metrics\n\n| name | value |\n|---|---|\n";
      for (const auto& [k, v] : lineage.metrics.items()) md += "| " + cell(k) + " | " + cell(value_text(v)) + " |\n";
    }
    if (!lineage.importances.empty()) {
      // Largest first (by magnitude), at most 20: a card is read, not queried.
      std::vector<std::pair<std::string, double>> ranked(lineage.importances.begin(), lineage.importances.end());
      // NaN ranks last: compared as it is, it would be "equal" to every value and break the order.
      const auto magnitude = [](double v) { return std::isnan(v) ? -1.0 : std::fabs(v); };
      std::stable_sort(ranked.begin(), ranked.end(),
                       [&](const auto& a, const auto& b) { return magnitude(a.second) > magnitude(b.second); });
      md += "\n### Feature importances\n\n| feature | importance |\n|---|---|\n";
      for (size_t i = 0; i < ranked.size() && i < 20; ++i)
        md += "| " + cell(ranked[i].first) + " | " +
              cell(std::isfinite(ranked[i].second) ? value_text(ranked[i].second)
                   : std::isnan(ranked[i].second)  ? "NaN"
                   : ranked[i].second > 0          ? "Infinity"
                                                   : "-Infinity") +
              " |\n";
      if (ranked.size() > 20) md += "\n" + std::to_string(ranked.size() - 20) + " more in the run's importances.json.\n";
    }
  }
  if (!lineage.run_id.empty() && !lineage.gates_error.empty()) {
    md += "\n### Gates\n\nNot checked when the package was built: " + cell(lineage.gates_error) + "\n";
  } else if (!lineage.run_id.empty() && !lineage.gates.empty()) {
    std::size_t passed = 0, failed = 0, skipped = 0;
    for (const auto& g : lineage.gates) (g.status == "pass" ? passed : g.status == "fail" ? failed : skipped) += 1;
    md += "\n### Gates\n\nThe gates of mlops.yaml on this run, checked when the package was built: " + std::to_string(passed) +
          " passed, " + std::to_string(failed) + " failed" + (skipped ? ", " + std::to_string(skipped) + " not checked" : "") + ".\n\n";
    md += "| gate | condition | value | result |\n|---|---|---|---|\n";
    for (const auto& g : lineage.gates) {
      const std::string result = g.status == "pass" ? "passed" : g.status == "fail" ? "failed" : "not checked: " + g.reason;
      md +=
          "| " + cell(g.field) + " | " + cell(g.condition) + " | " + cell(g.value.empty() ? "-" : g.value) + " | " + cell(result) + " |\n";
    }
  }
  md += "\n## Files\n\n| path | kind | size | sha256 |\n|---|---|---|---|\n";
  for (const auto& f : files) {
    md += "| `" + cell(f.path) + "` | " + f.kind + " | " + human_size(f.size) + " | `" + f.digest.substr(f.digest.find(':') + 1, 12) +
          "` |\n";
  }
  if (!spec.metadata.empty()) {
    md += "\n## Metadata\n\n| key | value |\n|---|---|\n";
    for (const auto& [k, v] : spec.metadata.items()) md += "| " + cell(k) + " | " + cell(value_text(v)) + " |\n";
  }
  md += "\nGenerated by `mlops package build`. Check the files with `mlops package verify " + ref + "`.\n";
  return md;
}

}  // namespace mlops::package
