// SPDX-License-Identifier: MIT
// check's Markdown, JUnit XML and JSON.
#include "ci/render.hpp"

#include "core/xml.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace mlops::ci {

std::string number_text(std::optional<double> x) {
  if (!x) return "-";
  if (std::isnan(*x)) return "NaN";
  if (std::isinf(*x)) return *x > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", *x);
  return buf;
}

std::string change_text(std::optional<double> value, std::optional<double> baseline) {
  if (!value || !baseline || !std::isfinite(*value) || !std::isfinite(*baseline)) return "";
  const double d = *value - *baseline;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.6g", d == 0 ? 0.0 : d);
  return buf;
}

std::string md_cell(std::string_view text) {
  const std::string safe = exp::printable(text);
  std::string out;
  out.reserve(safe.size());
  for (size_t i = 0; i < safe.size(); ++i) {
    const char c = safe[i];
    const char next = i + 1 < safe.size() ? safe[i + 1] : '\0';
    if (c == '|') out += "\\|";
    else if (c == '<' && (std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' || next == '?')) out += "&lt;";
    else out += c;
  }
  return out;
}

std::string xml_text(std::string_view text) { return xml_escape(exp::printable(text)); }

namespace {

std::string subject_text(const Subject& s) {
  if (s.run_id.empty()) return "revision " + s.label + " (" + s.commit.substr(0, 12) + ")";
  return "run " + s.label + " (" + exp::short_run_id(s.run_id) + ")";
}

nlohmann::json opt(std::optional<double> x) {
  if (!x) return nullptr;
  if (std::isnan(*x)) return "NaN";
  if (std::isinf(*x)) return *x > 0 ? "Infinity" : "-Infinity";
  return *x;
}

nlohmann::json subject_json(const Subject& s) {
  return {{"label", s.label}, {"run_id", s.run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.run_id)}, {"commit", s.commit}};
}

}  // namespace

std::string summary_line(const CheckResult& r) {
  size_t skipped = 0;
  for (const auto& g : r.gates) skipped += g.status == "skip" ? 1 : 0;
  std::string s = r.passed() ? "all " + std::to_string(r.gates.size() - skipped) + " gates passed"
                             : std::to_string(r.failed()) + " of " + std::to_string(r.gates.size()) + " gates failed";
  if (r.passed() && r.gates.size() - skipped == 1) s = "the gate passed";
  if (skipped) s += ", " + std::to_string(skipped) + " skipped";
  s += " on " + subject_text(r.run);
  if (r.baseline) s += " against " + subject_text(*r.baseline);
  return exp::printable(s);
}

nlohmann::json to_json(const CheckResult& r) {
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& g : r.gates) {
    const std::string change = change_text(g.value, g.baseline);
    gates.push_back({{"field", g.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.field)},
                     {"kind", g.kind},
                     {"condition", g.condition},
                     {"source", g.source},
                     {"value", opt(g.value)},
                     {"baseline", opt(g.baseline)},
                     {"change", g.value && g.baseline && !change.empty() ? opt(*g.value - *g.baseline) : nlohmann::json(nullptr)},
                     {"threshold", opt(g.threshold)},
                     {"status", g.status},
                     {"reason", g.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.reason)}});
  }
  return {{"schema", 1},
          {"passed", r.passed()},
          {"failed", r.failed()},
          {"run", subject_json(r.run)},
          {"baseline", r.baseline ? subject_json(*r.baseline) : nlohmann::json(nullptr)},
          {"gates", std::move(gates)}};
}

std::string to_markdown(const CheckResult& r) {
  std::string out = std::string(r.passed() ? "✅" : "❌") + " **mlops check: " + md_cell(summary_line(r)) + "**\n\n";
  out += "| Gate | Value | Baseline | Change | Condition | Result |\n|---|---|---|---|---|---|\n";
  for (const auto& g : r.gates) {
    const bool expr = g.kind == "expression";
    std::string result = g.status == "pass" ? "✅ pass" : g.status == "fail" ? "❌ fail" : "⏭️ skip";
    if (!g.reason.empty()) result += ": " + g.reason;
    out += "| " + md_cell(expr ? g.condition : g.field) + " | " + number_text(g.value) + " | " + number_text(g.baseline) + " | " +
           change_text(g.value, g.baseline) + " | " + md_cell(expr ? "expression" : g.condition) + " | " + md_cell(result) + " |\n";
  }
  return out;
}

std::string to_junit(const CheckResult& r) {
  size_t skipped = 0;
  for (const auto& g : r.gates) skipped += g.status == "skip" ? 1 : 0;
  const std::string counts = " tests=\"" + std::to_string(r.gates.size()) + "\" failures=\"" + std::to_string(r.failed()) +
                             "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mlops check\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_text("mlops check: " + subject_text(r.run)) + "\"" + counts + ">\n";
  for (const auto& g : r.gates) {
    const std::string name = g.kind == "expression" ? g.condition : g.field + " " + g.condition;
    out += "    <testcase classname=\"mlops.gates\" name=\"" + xml_text(name) + "\"";
    if (g.status == "pass") {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (g.status == "fail") {
      out += "      <failure message=\"" + xml_text(g.reason) + "\" type=\"gate\">" +
             xml_text("value " + number_text(g.value) + ", baseline " + number_text(g.baseline)) + "</failure>\n";
    } else {
      out += "      <skipped message=\"" + xml_text(g.reason) + "\"/>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace mlops::ci
