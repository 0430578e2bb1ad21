// SPDX-License-Identifier: MIT
// A drift report as JSON (Evidently's field names plus ours), Markdown for pull-request
// comments, JUnit XML for CI test panes, one self-contained HTML page and a terminal table.
#include "core/xml.hpp"

#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlops::drift {
namespace {

std::string num(double v, const char* format = "%.6g") {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string verdict(const Report& r) {
  return "Drift in " + std::to_string(r.number_of_drifted_columns) + " of " + std::to_string(r.number_of_columns) + " columns (" +
         num(100 * r.share_of_drifted_columns, "%.1f") + "%): " + (r.dataset_drift ? "dataset drift" : "no dataset drift") +
         (r.dataset_drift_on_any ? std::string(" (rule: any drifted column)") : " (drift share " + num(r.drift_share) + ")");
}

// Drifted first, then by how far the score is past (or short of) its threshold.
std::vector<const ColumnResult*> by_score(const Report& r) {
  std::vector<const ColumnResult*> out;
  for (const auto& c : r.columns) out.push_back(&c);
  auto key = [](const ColumnResult* c) {
    if (!c->skipped.empty()) return -1e300;
    const bool p = c->p_value.has_value() && c->method != Method::wasserstein;
    const double margin = p ? -std::log10(std::max(c->drift_score, 1e-300)) : c->drift_score / std::max(c->threshold, 1e-300);
    return (c->drift_detected ? 1e100 : 0.0) + margin;
  };
  std::stable_sort(out.begin(), out.end(), [&](auto* a, auto* b) { return key(a) > key(b); });
  return out;
}

std::string md_cell(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else if (static_cast<unsigned char>(ch) < 0x20) out += ' ';
    else if (ch == '`' || ch == '*' || ch == '_' || ch == '<' || ch == '>' || ch == '[' || ch == ']') out += std::string("\\") + ch;
    else out += ch;
  }
  return out;
}

std::string score_text(const ColumnResult& c) { return c.skipped.empty() ? num(c.drift_score) : "-"; }

// A result computed from a KLL sketch says so, with the error it may carry.
std::string sketch_note(const ColumnResult& c) {
  if (c.rank_error <= 0 || !c.skipped.empty()) return "";
  std::string s = "from a sketch: rank error " + num(100 * c.rank_error, "%.2g") + "% (99%)";
  if (c.score_low && c.score_high) s += ", score in [" + num(*c.score_low) + ", " + num(*c.score_high) + "]";
  return s;
}

// The type as shown, marked when --types set it.
std::string type_text(const ColumnResult& c) { return std::string(to_string(c.type)) + (c.type_overridden ? " (set)" : ""); }

// The test as shown: its name, the correction its p-value went through, and the mlops
// preset's effect size with its threshold.
std::string test_text(const Report& r, const ColumnResult& c) {
  std::string s = c.stattest;
  if (r.correction != Correction::none && c.p_value_adjusted) s += std::string(", ") + to_string(r.correction) + "-adjusted";
  if (c.effect_size)
    s += std::string("; effect ") + num(*c.effect_size) + " >= " + num(c.effect_threshold) + " (" + c.effect_size_name + ")";
  return s;
}

// "accuracy 0.91 -> 0.85 (-0.06), f1_macro 0.9 -> 0.8 (-0.1)": reference, current, difference.
std::string performance_text(const ModelReport& m) {
  if (!m.reference || !m.current) return "";
  const Performance& a = *m.reference;
  const Performance& b = *m.current;
  return a.metric_a + " " + num(a.a, "%.4g") + " → " + num(b.a, "%.4g") + " (" + num(b.a - a.a, "%+.4g") + "), " + a.metric_b + " " +
         num(a.b, "%.4g") + " → " + num(b.b, "%.4g") + " (" + num(b.b - a.b, "%+.4g") + ")";
}

std::string model_line(const Report& r) {
  if (!r.model) return "";
  const ModelReport& m = *r.model;
  std::string s = "Model: prediction " + escape_controls(m.prediction);
  if (!m.reference || !m.current) return s + " (its drift is in the table; --target gives performance)\n";
  return s + ", target " + escape_controls(m.target) + ", " + m.reference->task + ": " + performance_text(m) + " on " +
         std::to_string(m.reference->rows) + " reference and " + std::to_string(m.current->rows) + " current rows\n";
}

std::string windows_verdict(const Report& r) {
  std::size_t drifted = 0;
  for (const Window& w : r.windows) drifted += w.report.dataset_drift ? 1 : 0;
  std::string s = "Dataset drift in " + std::to_string(drifted) + " of " + std::to_string(r.windows.size()) + " windows (" + r.window +
                  "); " + std::to_string(r.number_of_drifted_columns) + " of " + std::to_string(r.number_of_columns) +
                  " columns drifted in at least one";
  if (r.unparsable_timestamps > 0) s += "; " + std::to_string(r.unparsable_timestamps) + " rows without a usable timestamp left out";
  return s;
}

// One line per window: bounds, rows, drifted columns, dataset verdict, the model's metrics.
struct WindowRow {
  std::string start, end, rows, drifted, dataset, model;
};
std::vector<WindowRow> window_rows(const Report& r) {
  std::vector<WindowRow> out;
  for (const Window& w : r.windows) {
    const Report& x = w.report;
    out.push_back({w.start, w.end, std::to_string(x.rows_cur),
                   std::to_string(x.number_of_drifted_columns) + "/" + std::to_string(x.number_of_columns), x.dataset_drift ? "DRIFT" : "-",
                   x.model ? performance_text(*x.model) : ""});
  }
  return out;
}
}  // namespace

namespace {

nlohmann::ordered_json columns_json(const Report& r) {
  nlohmann::ordered_json cols = nlohmann::ordered_json::object();
  for (const auto& c : r.columns) {
    nlohmann::ordered_json o;
    o["column_name"] = c.name;
    o["column_type"] = to_string(c.type);
    o["type_overridden"] = c.type_overridden;
    const bool tested = c.skipped.empty();
    const nlohmann::ordered_json null;
    o["stattest_name"] = tested ? nlohmann::ordered_json(c.stattest) : null;
    o["method"] = tested ? nlohmann::ordered_json(to_string(c.method)) : null;
    o["stattest_threshold"] = tested ? nlohmann::ordered_json(c.threshold) : null;
    o["comparator"] = tested ? nlohmann::ordered_json(c.comparator) : null;
    o["drift_score"] = tested ? nlohmann::ordered_json(c.drift_score) : null;
    o["drift_detected"] = c.drift_detected;
    o["statistic"] = tested ? nlohmann::ordered_json(c.statistic) : null;
    o["p_value"] = c.p_value ? nlohmann::ordered_json(*c.p_value) : null;
    o["p_value_adjusted"] = tested && c.p_value_adjusted ? nlohmann::ordered_json(*c.p_value_adjusted) : null;
    o["effect_size"] = tested && c.effect_size ? nlohmann::ordered_json(*c.effect_size) : null;
    o["effect_size_name"] = tested && c.effect_size ? nlohmann::ordered_json(c.effect_size_name) : null;
    o["effect_threshold"] = tested && c.effect_size ? nlohmann::ordered_json(c.effect_threshold) : null;
    o["log_base"] = c.log_base != nullptr ? nlohmann::ordered_json(c.log_base) : null;
    o["skipped"] = tested ? null : nlohmann::ordered_json(c.skipped);
    o["n_ref"] = c.n_ref;
    o["n_cur"] = c.n_cur;
    o["missing_ref"] = c.missing_ref;
    o["missing_cur"] = c.missing_cur;
    o["unparsable_ref"] = c.unparsable_ref;
    o["unparsable_cur"] = c.unparsable_cur;
    o["rank_error"] = c.rank_error > 0 ? nlohmann::ordered_json(c.rank_error) : null;
    o["drift_score_range"] = c.score_low && c.score_high ? nlohmann::ordered_json::array({*c.score_low, *c.score_high}) : null;
    cols[c.name] = std::move(o);
  }
  return cols;
}

nlohmann::ordered_json finite(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); }

nlohmann::ordered_json model_json(const ModelReport& m) {
  nlohmann::ordered_json o;
  o["prediction"] = m.prediction;
  o["target"] = m.target.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(m.target);
  if (!m.reference || !m.current) {
    o["task"] = nullptr;
    o["metrics"] = nullptr;
    return o;
  }
  const Performance& a = *m.reference;
  const Performance& b = *m.current;
  o["task"] = a.task;
  nlohmann::ordered_json metrics;
  metrics[a.metric_a] = {{"reference", finite(a.a)}, {"current", finite(b.a)}, {"difference", finite(b.a - a.a)}};
  metrics[a.metric_b] = {{"reference", finite(a.b)}, {"current", finite(b.b)}, {"difference", finite(b.b - a.b)}};
  o["metrics"] = std::move(metrics);
  o["rows_reference"] = a.rows;
  o["rows_current"] = b.rows;
  o["skipped_reference"] = a.skipped;
  o["skipped_current"] = b.skipped;
  return o;
}

void summary_json(nlohmann::ordered_json& j, const Report& r) {
  j["number_of_columns"] = r.number_of_columns;
  j["number_of_drifted_columns"] = r.number_of_drifted_columns;
  j["share_of_drifted_columns"] = r.share_of_drifted_columns;
  j["dataset_drift"] = r.dataset_drift;
}

}  // namespace

std::string to_json(const Report& r) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  j["reference"] = {{"source", r.reference}, {"rows", r.rows_ref}};
  j["current"] = {{"source", r.current}, {"rows", r.rows_cur}};
  summary_json(j, r);
  j["drift_share"] = r.drift_share;
  j["preset"] = to_string(r.preset);
  j["correction"] = to_string(r.correction);
  j["dataset_rule"] = r.dataset_drift_on_any ? "any" : "share";
  j["drift_by_columns"] = columns_json(r);
  j["model"] = r.model ? model_json(*r.model) : nlohmann::ordered_json();
  if (!r.window.empty()) {
    j["window"] = r.window;
    j["timestamp"] = r.timestamp.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.timestamp);
    j["unparsable_timestamps"] = r.unparsable_timestamps;
    nlohmann::ordered_json by_column = nlohmann::ordered_json::object();
    for (const auto& [name, n] : r.windows_drifted_by_column) by_column[name] = n;
    j["windows_drifted_by_column"] = std::move(by_column);
    nlohmann::ordered_json windows = nlohmann::ordered_json::array();
    const bool rows = r.timestamp.empty();
    for (const Window& w : r.windows) {
      nlohmann::ordered_json o;
      o["index"] = w.key;
      o["start"] = rows ? nlohmann::ordered_json(std::stoull(w.start)) : nlohmann::ordered_json(w.start);
      o["end"] = rows ? nlohmann::ordered_json(std::stoull(w.end)) : nlohmann::ordered_json(w.end);
      o["rows"] = w.report.rows_cur;
      summary_json(o, w.report);
      o["drift_by_columns"] = columns_json(w.report);
      o["model"] = w.report.model ? model_json(*w.report.model) : nlohmann::ordered_json();
      windows.push_back(std::move(o));
    }
    j["windows"] = std::move(windows);
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string to_table(const Report& r) {
  if (!r.window.empty()) {
    std::string out;
    char line[1024];
    const char* first = r.timestamp.empty() ? "first row" : "start";
    const char* last = r.timestamp.empty() ? "last row" : "end";
    std::snprintf(line, sizeof line, "%-20s  %-20s  %9s  %-8s  %-7s  %s\n", first, last, "rows", "drifted", "dataset",
                  r.model ? "model" : "");
    out += line;
    for (const WindowRow& w : window_rows(r)) {
      std::snprintf(line, sizeof line, "%-20s  %-20s  %9s  %-8s  %-7s  %s\n", w.start.c_str(), w.end.c_str(), w.rows.c_str(),
                    w.drifted.c_str(), w.dataset.c_str(), w.model.c_str());
      out += line;
    }
    std::size_t width = 6;
    for (const auto& [name, n] : r.windows_drifted_by_column) width = std::max(width, std::min<std::size_t>(name.size(), 40));
    std::snprintf(line, sizeof line, "\n%-*s  %s\n", static_cast<int>(width), "column", "windows with drift");
    out += line;
    for (const auto& [name, n] : r.windows_drifted_by_column) {
      std::string shown = escape_controls(name);
      if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
      std::snprintf(line, sizeof line, "%-*s  %llu of %zu\n", static_cast<int>(width), shown.c_str(), static_cast<unsigned long long>(n),
                    r.windows.size());
      out += line;
    }
    return out + windows_verdict(r) + "\n" + model_line(r);
  }
  std::size_t w = 6;
  for (const auto& c : r.columns) w = std::max(w, std::min<std::size_t>(c.name.size(), 40));
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %-4s  %-30s  %12s  %-2s %-9s  %s\n", static_cast<int>(w), "column", "type", "test", "score", "",
                "threshold", "drift");
  out += line;
  for (const auto& c : r.columns) {
    std::string name = escape_controls(c.name);
    if (name.size() > 40) name = name.substr(0, 37) + "...";
    if (!c.skipped.empty()) {
      std::snprintf(line, sizeof line, "%-*s  %-4s  skipped: %s\n", static_cast<int>(w), name.c_str(), type_text(c).c_str(),
                    c.skipped.c_str());
    } else {
      std::snprintf(line, sizeof line, "%-*s  %-4s  %-30s  %12s  %-2s %-9s  %s\n", static_cast<int>(w), name.c_str(), type_text(c).c_str(),
                    test_text(r, c).c_str(), num(c.drift_score).c_str(), c.comparator, num(c.threshold).c_str(),
                    c.drift_detected ? "DRIFT" : "-");
    }
    out += line;
    if (const std::string note = sketch_note(c); !note.empty()) out.insert(out.size() - 1, "  (" + note + ")");
  }
  out += verdict(r) + "\n" + model_line(r);
  return out;
}

std::string to_markdown(const Report& r, std::size_t max_chars) {
  if (!r.window.empty()) {
    std::string head = std::string("### Data drift by window: ") + (r.dataset_drift ? "dataset drift" : "no dataset drift") + "\n\n" +
                       md_cell(windows_verdict(r)) + ".\n\n" + md_cell(model_line(r)) + "\n\n| " +
                       (r.timestamp.empty() ? "first row | last row" : "start | end") + " | rows | drifted | dataset drift |" +
                       (r.model ? " model |" : "") + "\n|---|---|---|---|---|" + (r.model ? "---|" : "") + "\n";
    std::vector<std::string> lines;
    for (const WindowRow& w : window_rows(r))
      lines.push_back("| " + w.start + " | " + w.end + " | " + w.rows + " | " + w.drifted + " | " +
                      (w.dataset == "DRIFT" ? "**drift**" : "no") + " |" + (r.model ? " " + md_cell(w.model) + " |" : "") + "\n");
    lines.push_back("\n| column | windows with drift |\n|---|---|\n");
    for (const auto& [name, n] : r.windows_drifted_by_column)
      lines.push_back("| " + md_cell(name) + " | " + std::to_string(n) + " of " + std::to_string(r.windows.size()) + " |\n");
    std::string out = head;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string note = "\n_" + std::to_string(lines.size() - i) + " more rows not shown (the comment is limited to " +
                               std::to_string(max_chars) + " characters)._\n";
      if (out.size() + lines[i].size() + note.size() > max_chars) return out + note;
      out += lines[i];
    }
    return out;
  }
  std::string head = std::string("### Data drift: ") + (r.dataset_drift ? "dataset drift" : "no dataset drift") + "\n\n" + verdict(r) +
                     ".\n\n" + (r.model ? md_cell(model_line(r)) + "\n\n" : std::string()) +
                     "| column | type | test | score | threshold | drift |\n|---|---|---|---|---|---|\n";
  std::string rows;
  const auto order = by_score(r);
  std::size_t shown = 0;
  for (const ColumnResult* c : order) {
    std::string row = "| " + md_cell(c->name) + " | " + type_text(*c) + " | " +
                      (c->skipped.empty() ? md_cell(test_text(r, *c)) : "skipped: " + md_cell(c->skipped)) +
                      (sketch_note(*c).empty() ? "" : " (" + md_cell(sketch_note(*c)) + ")") + " | " + score_text(*c) + " | " +
                      (c->skipped.empty() ? std::string(c->comparator) + " " + num(c->threshold) : "-") + " | " +
                      (c->drift_detected ? "**drift**" : "no") + " |\n";
    const std::string note = "\n_" + std::to_string(order.size() - shown) + " more columns not shown (the comment is limited to " +
                             std::to_string(max_chars) + " characters)._\n";
    if (head.size() + rows.size() + row.size() + note.size() > max_chars) {
      return head + rows + note;
    }
    rows += row;
    ++shown;
  }
  return head + rows;
}

std::string to_junit(const Report& r) {
  if (!r.window.empty()) {
    std::size_t failures = 0;
    for (const Window& w : r.windows) failures += w.report.dataset_drift ? 1 : 0;
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mlops drift\" tests=\"" +
                      std::to_string(r.windows.size()) + "\" failures=\"" + std::to_string(failures) + "\">\n";
    out += "  <testsuite name=\"" + xml_escape("drift by window " + r.reference + " -> " + r.current) + "\" tests=\"" +
           std::to_string(r.windows.size()) + "\" failures=\"" + std::to_string(failures) + "\">\n";
    for (const Window& w : r.windows) {
      out += "    <testcase classname=\"drift\" name=\"" + xml_escape(w.start + " .. " + w.end) + "\">";
      if (w.report.dataset_drift) {
        std::string drifted;
        for (const auto& c : w.report.columns)
          if (c.drift_detected) drifted += (drifted.empty() ? "" : ", ") + c.name;
        out += "<failure message=\"" + xml_escape("dataset drift: " + drifted) + "\" type=\"drift\"/>";
      }
      out += "</testcase>\n";
    }
    out += "    <system-out>" + xml_escape(windows_verdict(r) + "\n" + model_line(r)) + "</system-out>\n  </testsuite>\n</testsuites>\n";
    return out;
  }
  std::size_t failures = 0, skipped = 0;
  for (const auto& c : r.columns) {
    failures += c.drift_detected ? 1 : 0;
    skipped += c.skipped.empty() ? 0 : 1;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mlops drift\" tests=\"" +
                    std::to_string(r.columns.size()) + "\" failures=\"" + std::to_string(failures) + "\">\n";
  out += "  <testsuite name=\"" + xml_escape("drift " + r.reference + " -> " + r.current) + "\" tests=\"" +
         std::to_string(r.columns.size()) + "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" + std::to_string(skipped) +
         "\">\n";
  for (const auto& c : r.columns) {
    out += "    <testcase classname=\"drift\" name=\"" + xml_escape(c.name) + "\">";
    if (!c.skipped.empty()) {
      out += "<skipped message=\"" + xml_escape(c.skipped) + "\"/>";
    } else if (c.drift_detected) {
      out += "<failure message=\"" + xml_escape(test_text(r, c) + " " + num(c.drift_score) + " " + c.comparator + " " + num(c.threshold)) +
             "\" type=\"drift\"/>";
    }
    if (const std::string note = sketch_note(c); !note.empty()) out += "<system-out>" + xml_escape(note) + "</system-out>";
    out += "</testcase>\n";
  }
  out += "    <system-out>" + xml_escape(verdict(r)) + "</system-out>\n  </testsuite>\n</testsuites>\n";
  return out;
}

std::string to_html(const Report& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Data drift</title><style>"
      "body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
      "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}"
      ".d{color:#b00;font-weight:bold}svg{display:block}.k{font-size:12px;color:#666}"
      ".r{fill:#8aa}.c{fill:#d55}</style></head><body>\n";
  out += "<h1>Data drift: " + std::string(r.dataset_drift ? "dataset drift" : "no dataset drift") + "</h1>\n<p>" + xml_escape(verdict(r)) +
         ". Reference <code>" + xml_escape(r.reference) + "</code> (" + std::to_string(r.rows_ref) + " rows), current <code>" +
         xml_escape(r.current) + "</code> (" + std::to_string(r.rows_cur) +
         " rows).</p>\n<p class=\"k\"><svg width=\"10\" height=\"10\" style=\"display:inline\"><rect class=\"r\" width=\"10\" "
         "height=\"10\"/></svg> reference <svg width=\"10\" height=\"10\" style=\"display:inline\"><rect class=\"c\" "
         "width=\"10\" height=\"10\"/></svg> current (share of values per bin)</p>\n"
         "<table><tr><th>column</th><th>type</th><th>test</th><th>score</th><th>threshold</th><th>drift</th>"
         "<th>distribution</th></tr>\n";
  for (const ColumnResult* c : by_score(r)) {
    out += "<tr><td>" + xml_escape(c->name) + "</td><td>" + type_text(*c) + "</td><td>" +
           (c->skipped.empty() ? xml_escape(test_text(r, *c)) : "skipped: " + xml_escape(c->skipped)) +
           (sketch_note(*c).empty() ? "" : " <span class=\"k\">(" + xml_escape(sketch_note(*c)) + ")</span>") + "</td><td>" +
           score_text(*c) + "</td><td>" + (c->skipped.empty() ? xml_escape(std::string(c->comparator) + " " + num(c->threshold)) : "-") +
           "</td><td" + (c->drift_detected ? " class=\"d\">drift" : ">no") + "</td><td>";
    const std::size_t bins = c->hist_ref.size();
    if (bins > 0) {
      double top = 1e-12;
      for (std::size_t i = 0; i < bins; ++i) top = std::max({top, c->hist_ref[i], c->hist_cur[i]});
      const int bw = 8, h = 40;
      out += "<svg width=\"" + std::to_string(bins * (2 * bw + 3)) + "\" height=\"" + std::to_string(h) + "\">";
      for (std::size_t i = 0; i < bins; ++i) {
        const int x = static_cast<int>(i) * (2 * bw + 3);
        const int hr = static_cast<int>(std::lround(c->hist_ref[i] / top * h));
        const int hc = static_cast<int>(std::lround(c->hist_cur[i] / top * h));
        const std::string label = i < c->bins.size() ? c->bins[i] : "";
        out += "<g><title>" + xml_escape(label) + ": " + num(c->hist_ref[i], "%.3g") + " / " + num(c->hist_cur[i], "%.3g") +
               "</title><rect class=\"r\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(h - hr) + "\" width=\"" +
               std::to_string(bw) + "\" height=\"" + std::to_string(hr) + "\"/><rect class=\"c\" x=\"" + std::to_string(x + bw) +
               "\" y=\"" + std::to_string(h - hc) + "\" width=\"" + std::to_string(bw) + "\" height=\"" + std::to_string(hc) + "\"/></g>";
      }
      out += "</svg>";
    }
    out += "</td></tr>\n";
  }
  out += "</table>\n";
  if (r.model) out += "<p>" + xml_escape(model_line(r)) + "</p>\n";
  if (!r.window.empty())
    out += "<h2>Windows</h2>\n<p>" + xml_escape(windows_verdict(r)) + ".</p>\n<table><tr><th>" +
           (r.timestamp.empty() ? "first row</th><th>last row" : "start</th><th>end") +
           "</th><th>rows</th><th>drifted</th><th>dataset drift</th><th>model</th></tr>\n";
  for (const Window& w : r.windows) {
    out += "<tr><td>" + xml_escape(w.start) + "</td><td>" + xml_escape(w.end) + "</td><td>" + std::to_string(w.report.rows_cur) +
           "</td><td>" + std::to_string(w.report.number_of_drifted_columns) + "/" + std::to_string(w.report.number_of_columns) +
           "</td><td" + (w.report.dataset_drift ? " class=\"d\">drift" : ">no") + "</td><td>" +
           (w.report.model ? xml_escape(performance_text(*w.report.model)) : "") + "</td></tr>\n";
  }
  if (!r.window.empty()) out += "</table>\n<h2>Columns</h2>\n<table><tr><th>column</th><th>windows with drift</th></tr>\n";
  for (const auto& [name, n] : r.windows_drifted_by_column)
    out += "<tr><td>" + xml_escape(name) + "</td><td>" + std::to_string(n) + " of " + std::to_string(r.windows.size()) + "</td></tr>\n";
  if (!r.window.empty()) out += "</table>\n";
  out +=
      "<p class=\"k\">Generated by mlops drift. Entropy-based scores are in nats (natural logarithm) unless the test says base "
      "2.</p>\n</body></html>\n";
  return out;
}

}  // namespace mlops::drift
