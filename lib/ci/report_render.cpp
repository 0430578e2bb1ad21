// SPDX-License-Identifier: MIT
// The report as Markdown (PR comments, job summaries), HTML (a page with SVG curves) and JSON.
#include "ci/render.hpp"
#include "ci/report_model.hpp"

#include <mlops/exp.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace mlops::ci {

namespace {

constexpr size_t k_max_columns = 16;

std::string run_label(const Subject& s) {
  if (s.run_id.empty()) return s.label + " @ " + s.commit.substr(0, 12);
  return s.label + " (" + exp::short_run_id(s.run_id) + ")";
}

std::optional<double> metric(const RunRow& r, const std::string& k) {
  const auto it = r.metrics.find(k);
  return it == r.metrics.end() ? std::nullopt : std::optional<double>(it->second);
}

std::string with_delta(const RunRow& r, const std::optional<RunRow>& base, const std::string& k) {
  std::string s = number_text(metric(r, k));
  if (base) {
    const std::string d = change_text(metric(r, k), metric(*base, k));
    if (!d.empty()) s += " (" + d + ")";
  }
  return s;
}

std::string param_text(const RunRow& r, const std::string& k) {
  const auto it = r.params.find(k);
  if (it == r.params.end()) return "-";
  return it->second.is_string() ? it->second.get<std::string>() : it->second.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string gates_text(const RunRow& r) {
  size_t failed = 0, skipped = 0;
  std::string which;
  for (const auto& g : r.gates) {
    if (g.status == "fail") {
      ++failed;
      which += (which.empty() ? "" : "; ") + g.field + " " + g.condition + ": " + g.reason;
    }
    skipped += g.status == "skip" ? 1 : 0;
  }
  std::string s = failed == 0 ? "✅ passed" : "❌ " + std::to_string(failed) + " of " + std::to_string(r.gates.size()) + " failed";
  if (skipped) s += " (" + std::to_string(skipped) + " skipped)";
  return which.empty() ? s : s + ": " + which;
}

// Keys of a map member across the rows, sorted, with the number left out beyond k_max_columns.
template <typename F>
std::vector<std::string> keys_of(const std::vector<RunRow>& runs, const std::optional<RunRow>& base, F get, size_t& more) {
  std::set<std::string> keys;
  for (const auto& r : runs) {
    for (const auto& [k, _] : get(r)) keys.insert(k);
  }
  if (base) {
    for (const auto& [k, _] : get(*base)) keys.insert(k);
  }
  std::vector<std::string> out(keys.begin(), keys.end());
  more = out.size() > k_max_columns ? out.size() - k_max_columns : 0;
  if (more) out.resize(k_max_columns);
  return out;
}

// Markdown under a byte budget: whole rows only.
class Budget {
 public:
  explicit Budget(size_t cap) : m_cap(cap) {}
  std::string out;
  // Space kept for the notes that may still follow.
  static constexpr size_t k_reserve = 2048;
  bool fits(size_t n) const { return out.size() + n + k_reserve <= m_cap; }

  // A table: header, then rows while they fit; a note for the rest.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows, const std::string& what) {
    auto line = [](const std::vector<std::string>& cells) {
      std::string l = "|";
      for (const auto& c : cells) l += " " + md_cell(c) + " |";
      return l + "\n";
    };
    std::string head = line(header) + "|";
    for (size_t i = 0; i < header.size(); ++i) head += "---|";
    head += "\n";
    std::string first = rows.empty() ? std::string() : line(rows[0]);
    if (!fits(head.size() + first.size())) {
      out += "\n_" + what + " left out: GitHub comments hold " + std::to_string(k_comment_cap) +
             " characters; `--format html` or `--format json` has everything._\n";
      return;
    }
    out += head;
    size_t shown = 0;
    for (const auto& r : rows) {
      std::string l = line(r);
      if (!fits(l.size())) break;
      out += l;
      ++shown;
    }
    if (shown < rows.size()) {
      out += "\n_… " + std::to_string(rows.size() - shown) + " more rows of " + what +
             " not shown: GitHub comments hold 65,536 characters; `--format html` or `--format json` has them all._\n";
    }
  }

 private:
  size_t m_cap;
};

// The metrics table, the same in Markdown and HTML: a row for the baseline, then one per
// run with its deltas.
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> metrics_table(const ReportModel& m,
                                                                                         const std::vector<std::string>& mkeys) {
  std::vector<std::string> header{"Run"};
  header.insert(header.end(), mkeys.begin(), mkeys.end());
  std::vector<std::vector<std::string>> rows;
  if (m.baseline) {
    std::vector<std::string> row{"baseline: " + run_label(m.baseline->subject)};
    for (const auto& k : mkeys) row.push_back(number_text(metric(*m.baseline, k)));
    rows.push_back(std::move(row));
  }
  for (const auto& r : m.runs) {
    std::vector<std::string> row{run_label(r.subject)};
    for (const auto& k : mkeys) row.push_back(with_delta(r, m.baseline, k));
    rows.push_back(std::move(row));
  }
  return {std::move(header), std::move(rows)};
}

// The params table: a row for the baseline, then one per run; in Markdown a value that
// differs from the baseline's is bold.
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> params_table(const ReportModel& m,
                                                                                        const std::vector<std::string>& pkeys,
                                                                                        bool bold_changes) {
  std::vector<std::string> header{"Run"};
  header.insert(header.end(), pkeys.begin(), pkeys.end());
  std::vector<std::vector<std::string>> rows;
  if (m.baseline) {
    std::vector<std::string> row{"baseline: " + run_label(m.baseline->subject)};
    for (const auto& k : pkeys) row.push_back(param_text(*m.baseline, k));
    rows.push_back(std::move(row));
  }
  for (const auto& r : m.runs) {
    std::vector<std::string> row{run_label(r.subject)};
    for (const auto& k : pkeys) {
      std::string v = param_text(r, k);
      if (bold_changes && m.baseline && param_text(*m.baseline, k) != v) v = "**" + v + "**";
      row.push_back(std::move(v));
    }
    rows.push_back(std::move(row));
  }
  return {std::move(header), std::move(rows)};
}

constexpr size_t k_top_features = 10;

std::optional<double> importance(const RunRow& r, const std::string& k) {
  const auto it = r.importances.find(k);
  return it == r.importances.end() ? std::nullopt : std::optional<double>(it->second);
}

// The features to show: the k_top_features largest by |importance| in any run, largest first.
std::vector<std::string> top_features(const ReportModel& m, size_t& more) {
  std::map<std::string, double> best;
  for (const auto& r : m.runs) {
    for (const auto& [k, v] : r.importances) {
      const double a = std::isfinite(v) ? std::fabs(v) : 0;
      if (auto [it, fresh] = best.emplace(k, a); !fresh) it->second = std::max(it->second, a);
    }
  }
  std::vector<std::pair<std::string, double>> ranked(best.begin(), best.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  more = ranked.size() > k_top_features ? ranked.size() - k_top_features : 0;
  std::vector<std::string> out;
  for (size_t i = 0; i < ranked.size() && i < k_top_features; ++i) out.push_back(ranked[i].first);
  return out;
}

// Runs that recorded importances (at most k_max_columns), for the table's columns.
std::vector<const RunRow*> runs_with_importances(const ReportModel& m) {
  std::vector<const RunRow*> out;
  for (const auto& r : m.runs)
    if (!r.importances.empty() && out.size() < k_max_columns) out.push_back(&r);
  return out;
}

std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> importances_table(const ReportModel& m,
                                                                                             const std::vector<std::string>& features) {
  const auto runs = runs_with_importances(m);
  std::vector<std::string> header{"Feature"};
  for (const auto* r : runs) header.push_back(run_label(r->subject));
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : features) {
    std::vector<std::string> row{f};
    for (const auto* r : runs) {
      std::string cell = number_text(importance(*r, f));
      if (m.baseline) {
        const std::string d = change_text(importance(*r, f), importance(*m.baseline, f));
        if (!d.empty()) cell += " (" + d + ")";
      }
      row.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return {std::move(header), std::move(rows)};
}

}  // namespace

std::string report_markdown(const ReportModel& m, size_t cap) {
  Budget b(cap);
  b.out = "## mlops report: " + std::to_string(m.runs.size()) + (m.runs.size() == 1 ? " run" : " runs");
  if (m.baseline) b.out += " against " + md_cell(run_label(m.baseline->subject));
  b.out += "\n";
  size_t more = 0;
  const auto mkeys = keys_of(
      m.runs, m.baseline, [](const RunRow& r) -> const auto& { return r.metrics; }, more);
  if (!mkeys.empty()) {
    b.out += "\n### Metrics\n\n";
    auto [header, rows] = metrics_table(m, mkeys);
    b.table(header, rows, "metrics");
    if (more) b.out += "\n_" + std::to_string(more) + " more metrics in `--format json`._\n";
  }
  const auto pkeys = keys_of(
      m.runs, m.baseline, [](const RunRow& r) -> const auto& { return r.params; }, more);
  if (!pkeys.empty()) {
    b.out += "\n### Params\n\n";
    auto [header, rows] = params_table(m, pkeys, true);
    b.table(header, rows, "params");
    if (more) b.out += "\n_" + std::to_string(more) + " more params in `--format json`._\n";
  }
  if (const auto features = top_features(m, more); !features.empty()) {
    b.out += "\n### Feature importances\n\n";
    auto [header, rows] = importances_table(m, features);
    b.table(header, rows, "feature importances");
    if (more) b.out += "\n_" + std::to_string(more) + " more features in `--format json`._\n";
  }
  if (std::any_of(m.runs.begin(), m.runs.end(), [](const RunRow& r) { return r.gates_checked; })) {
    b.out += "\n### Gates\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : m.runs) rows.push_back({run_label(r.subject), gates_text(r)});
    b.table({"Run", "Gates (mlops.yaml)"}, rows, "gates");
  }
  std::vector<std::vector<std::string>> prow;
  for (const auto& r : m.runs) {
    for (const auto& p : r.packages) {
      prow.push_back({run_label(r.subject), p.ref, p.digest.substr(0, 19),
                      p.signed_ ? "signed" + (p.key_id.empty() ? std::string() : " (key " + p.key_id + ")") : "unsigned"});
    }
  }
  if (!prow.empty()) {
    b.out += "\n### Packages\n\n";
    b.table({"Run", "Package", "Digest", "Signature"}, prow, "packages");
  }
  for (const auto& n : m.notes) b.out += "\n_" + md_cell(n) + "_\n";
  return b.out;
}

namespace {

constexpr const char* k_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

// One metric's curves: a line per run, axes with the ranges, a legend.
std::string chart(const std::string& name, const std::vector<std::pair<std::string, const std::vector<Point>*>>& lines) {
  constexpr double w = 640, h = 260, left = 60, right = 150, top = 24, bottom = 30;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& [_, pts] : lines) {
    for (const auto& p : *pts) {
      x0 = std::min(x0, p.step), x1 = std::max(x1, p.step), y0 = std::min(y0, p.value), y1 = std::max(y1, p.value);
    }
  }
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  const double pw = w - left - right, ph = h - top - bottom;
  auto X = [&](double x) { return fmt(left + (x - x0) / (x1 - x0) * pw); };
  auto Y = [&](double y) { return fmt(top + ph - (y - y0) / (y1 - y0) * ph); };
  std::string s = "<figure><svg class=\"chart\" viewBox=\"0 0 640 260\" width=\"640\" height=\"260\" role=\"img\">";
  s += "<title>" + xml_text(name) + "</title>";
  s += "<rect x=\"" + fmt(left) + "\" y=\"" + fmt(top) + "\" width=\"" + fmt(pw) + "\" height=\"" + fmt(ph) + "\" class=\"plot\"/>";
  s += "<text x=\"" + fmt(left) + "\" y=\"16\" class=\"name\">" + xml_text(name) + "</text>";
  s += "<text x=\"" + fmt(left - 4) + "\" y=\"" + fmt(top + 4) + "\" class=\"tick\" text-anchor=\"end\">" + xml_text(number_text(y1)) +
       "</text>";
  s += "<text x=\"" + fmt(left - 4) + "\" y=\"" + fmt(top + ph) + "\" class=\"tick\" text-anchor=\"end\">" + xml_text(number_text(y0)) +
       "</text>";
  s += "<text x=\"" + fmt(left) + "\" y=\"" + fmt(h - 10) + "\" class=\"tick\">" + xml_text(number_text(x0)) + "</text>";
  s += "<text x=\"" + fmt(left + pw) + "\" y=\"" + fmt(h - 10) + "\" class=\"tick\" text-anchor=\"end\">step " + xml_text(number_text(x1)) +
       "</text>";
  for (size_t i = 0; i < lines.size(); ++i) {
    const char* color = k_colors[i % std::size(k_colors)];
    std::string d;
    for (const auto& p : *lines[i].second) d += (d.empty() ? "M" : " L") + X(p.step) + " " + Y(p.value);
    s += "<path class=\"series\" d=\"" + d + "\" stroke=\"" + color + "\"/>";
    if (i < 12) {
      const std::string ly = fmt(top + 12 + 16 * static_cast<double>(i));
      s += "<line x1=\"" + fmt(w - right + 10) + "\" x2=\"" + fmt(w - right + 26) + "\" y1=\"" + ly + "\" y2=\"" + ly + "\" stroke=\"" +
           color + "\" stroke-width=\"2\"/><text x=\"" + fmt(w - right + 30) + "\" y=\"" + fmt(top + 16 + 16 * static_cast<double>(i)) +
           "\" class=\"tick\">" + xml_text(lines[i].first.substr(0, 20)) + "</text>";
    }
  }
  return s + "</svg></figure>\n";
}

// One run's importances as horizontal bars (largest first), the baseline's value as a tick
// on each bar and the change as text.
std::string bar_chart(const std::string& name, const RunRow& r, const std::optional<RunRow>& base,
                      const std::vector<std::string>& features) {
  constexpr double w = 640, left = 170, right = 130, top = 26, bar = 16, gap = 6;
  const double h = top + static_cast<double>(features.size()) * (bar + gap) + 10;
  double hi = 0;
  for (const auto& f : features) {
    for (const auto v : {importance(r, f), base ? importance(*base, f) : std::nullopt})
      if (v && std::isfinite(*v)) hi = std::max(hi, std::fabs(*v));
  }
  if (hi == 0) hi = 1;
  const double pw = w - left - right;
  std::string s =
      "<figure><svg class=\"chart bars\" viewBox=\"0 0 640 " + fmt(h) + "\" width=\"640\" height=\"" + fmt(h) + "\" role=\"img\">";
  s += "<title>" + xml_text(name) + "</title><text x=\"" + fmt(left) + "\" y=\"16\" class=\"name\">" + xml_text(name) + "</text>";
  for (size_t i = 0; i < features.size(); ++i) {
    const double y = top + static_cast<double>(i) * (bar + gap);
    const auto v = importance(r, features[i]);
    s += "<text x=\"" + fmt(left - 6) + "\" y=\"" + fmt(y + 12) + "\" class=\"tick\" text-anchor=\"end\">" +
         xml_text(features[i].substr(0, 28)) + "</text>";
    if (v && std::isfinite(*v)) {
      const double len = std::max(1.0, std::fabs(*v) / hi * pw);
      s += "<path class=\"bar\" d=\"M" + fmt(left) + " " + fmt(y) + " h" + fmt(len) + " v" + fmt(bar) + " h-" + fmt(len) + " Z\" fill=\"" +
           (*v < 0 ? "#d62728" : "#1f77b4") + "\"/>";
    }
    std::string label = number_text(v);
    if (base) {
      const auto b = importance(*base, features[i]);
      if (b && std::isfinite(*b))
        s += "<line class=\"base\" x1=\"" + fmt(left + std::fabs(*b) / hi * pw) + "\" x2=\"" + fmt(left + std::fabs(*b) / hi * pw) +
             "\" y1=\"" + fmt(y - 2) + "\" y2=\"" + fmt(y + bar + 2) + "\" stroke=\"#222\" stroke-width=\"2\"/>";
      if (const std::string d = change_text(v, b); !d.empty()) label += " (" + d + ")";
    }
    s += "<text x=\"" + fmt(left + pw + 6) + "\" y=\"" + fmt(y + 12) + "\" class=\"tick\">" + xml_text(label) + "</text>";
  }
  return s + "</svg></figure>\n";
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table><thead><tr>";
  for (const auto& h : header) s += "<th>" + xml_text(h) + "</th>";
  s += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    s += "<tr>";
    for (const auto& c : r) s += "<td>" + xml_text(c) + "</td>";
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

}  // namespace

std::string report_html(const ReportModel& m) {
  std::string title = "mlops report: " + std::to_string(m.runs.size()) + (m.runs.size() == 1 ? " run" : " runs");
  if (m.baseline) title += " against " + run_label(m.baseline->subject);
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      // Nothing is fetched: no script, font, style sheet or image from anywhere.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      xml_text(title) +
      "</title><style>"
      "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}"
      ".chart .plot{fill:#fff;stroke:#999}.chart .series{fill:none;stroke-width:1.5}.chart .tick{font-size:11px;fill:#555}"
      ".chart .name{font-size:13px;font-weight:bold}figure{margin:1em 0}"
      "</style></head><body>\n<h1>" +
      xml_text(title) + "</h1>\n";
  size_t more = 0;
  const auto mkeys = keys_of(
      m.runs, m.baseline, [](const RunRow& r) -> const auto& { return r.metrics; }, more);
  if (!mkeys.empty()) {
    auto [header, rows] = metrics_table(m, mkeys);
    s += "<h2>Metrics</h2>\n" + html_table(header, rows);
  }
  std::set<std::string> curves;
  for (const auto& r : m.runs) {
    for (const auto& [k, _] : r.series) curves.insert(k);
  }
  if (!curves.empty()) {
    s += "<h2>Curves</h2>\n";
    for (const auto& k : curves) {
      std::vector<std::pair<std::string, const std::vector<Point>*>> lines;
      for (const auto& r : m.runs) {
        if (const auto it = r.series.find(k); it != r.series.end()) lines.emplace_back(r.subject.label, &it->second);
      }
      s += chart(k, lines);
    }
  }
  const auto pkeys = keys_of(
      m.runs, m.baseline, [](const RunRow& r) -> const auto& { return r.params; }, more);
  if (!pkeys.empty()) {
    auto [header, rows] = params_table(m, pkeys, false);
    s += "<h2>Params</h2>\n" + html_table(header, rows);
  }
  if (const auto features = top_features(m, more); !features.empty()) {
    s += "<h2>Feature importances</h2>\n";
    if (m.baseline) s += "<p>The black tick on a bar is the baseline's value.</p>\n";
    for (const auto* r : runs_with_importances(m)) s += bar_chart(run_label(r->subject), *r, m.baseline, features);
  }
  if (std::any_of(m.runs.begin(), m.runs.end(), [](const RunRow& r) { return r.gates_checked; })) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : m.runs) rows.push_back({run_label(r.subject), gates_text(r)});
    s += "<h2>Gates</h2>\n" + html_table({"Run", "Gates (mlops.yaml)"}, rows);
  }
  std::vector<std::vector<std::string>> prow;
  for (const auto& r : m.runs) {
    for (const auto& p : r.packages) prow.push_back({run_label(r.subject), p.ref, p.digest, p.signed_ ? "signed " + p.key_id : "unsigned"});
  }
  if (!prow.empty()) s += "<h2>Packages</h2>\n" + html_table({"Run", "Package", "Digest", "Signature"}, prow);
  for (const auto& n : m.notes) s += "<p>" + xml_text(n) + "</p>\n";
  return s + "</body></html>\n";
}

nlohmann::json report_json(const ReportModel& m) {
  auto num = [](double x) -> nlohmann::json {
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
    return x;
  };
  auto run_json = [&](const RunRow& r) {
    nlohmann::json metrics = nlohmann::json::object(), deltas = nlohmann::json::object(), params = nlohmann::json::object();
    nlohmann::json importances = nlohmann::json::object();
    for (const auto& [k, v] : r.importances) importances[k] = num(v);
    for (const auto& [k, v] : r.metrics) {
      metrics[k] = num(v);
      if (m.baseline) {
        const auto b = metric(*m.baseline, k);
        deltas[k] = b && std::isfinite(*b) && std::isfinite(v) ? num(v - *b) : nlohmann::json(nullptr);
      }
    }
    for (const auto& [k, v] : r.params) params[k] = v;
    nlohmann::json gates = nlohmann::json::array(), packages = nlohmann::json::array();
    if (r.gates_checked) {
      CheckResult c;
      c.run = r.subject;
      c.gates = r.gates;
      gates = to_json(c)["gates"];
    }
    for (const auto& p : r.packages) {
      packages.push_back({{"ref", p.ref},
                          {"digest", p.digest},
                          {"signed", p.signed_},
                          {"key_id", p.key_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.key_id)}});
    }
    return nlohmann::json{
        {"label", r.subject.label},   {"run_id", r.subject.run_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.subject.run_id)},
        {"commit", r.subject.commit}, {"params", params},
        {"metrics", metrics},         {"deltas", m.baseline ? deltas : nlohmann::json(nullptr)},
        {"importances", importances}, {"gates", r.gates_checked ? gates : nlohmann::json(nullptr)},
        {"packages", packages}};
  };
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : m.runs) runs.push_back(run_json(r));
  return {{"schema", 1}, {"runs", runs}, {"baseline", m.baseline ? run_json(*m.baseline) : nlohmann::json(nullptr)}, {"notes", m.notes}};
}

}  // namespace mlops::ci
