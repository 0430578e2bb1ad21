// SPDX-License-Identifier: MIT
#include "exp_format.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mlops::cli {
namespace {

std::string seconds(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.1fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
  return buf;
}

std::string short_time(const std::string& rfc3339) {
  // "2026-11-27T08:12:03.123Z" -> "2026-11-27 08:12"
  if (rfc3339.size() < 16) return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5);
}

std::string delta(const std::optional<JsonValue>& a, const std::optional<JsonValue>& b) {
  if (a && b && (*a)->is_number() && (*b)->is_number()) {
    const double d = (*b)->get<double>() - (*a)->get<double>();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.6g", d);
    return buf;
  }
  return "";
}

// Text from a record as a terminal may show it (exp::printable), line by line: the
// newlines and tabs of a log or a patch stay, every other control character is escaped.
std::string safe_block(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find_first_of("\n\t", start), text.size());
    out += exp::printable(text.substr(start, end - start));
    if (end == text.size()) break;
    out += text[end];
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string run_summary(const exp::Run& r) {
  auto p = [](std::string_view t) { return exp::printable(t); };
  std::string s = "run " + p(r.name) + " " + p(r.status) + " in " + seconds(r.duration);
  if (r.exit_code) s += " (exit " + std::to_string(*r.exit_code) + ")";
  size_t shown = 0;
  for (const auto& [k, m] : r.metrics) {
    if (shown++ == 6) {
      s += " ...";
      break;
    }
    s += (shown == 1 ? ": " : " ") + p(k) + "=" + cell(m.last);
  }
  return s;
}

std::vector<std::string> split_columns(const std::string& requested) {
  std::vector<std::string> cols;
  if (requested.empty()) return cols;
  size_t start = 0;
  for (;;) {
    const size_t comma = requested.find(',', start);
    std::string c = requested.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    c.erase(0, c.find_first_not_of(' '));
    c.erase(c.find_last_not_of(' ') + 1);
    if (!c.empty()) cols.push_back(c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cols;
}

std::vector<std::string> list_columns(const std::vector<exp::Run>& runs, const std::string& requested) {
  if (!requested.empty()) return split_columns(requested);
  std::vector<std::string> cols = {"short_id", "name", "status", "started"};
  std::set<std::string> params, metrics;
  for (const auto& r : runs) {
    for (const auto& [k, _] : r.params->items()) params.insert(k);
    for (const auto& [k, _] : r.metrics) metrics.insert(k);
  }
  auto varies = [&](const std::string& field) {
    if (runs.size() <= 1) return true;
    const auto first = exp::field(runs.front(), field);
    for (const auto& r : runs) {
      if (exp::field(r, field) != first) return true;
    }
    return false;
  };
  for (const auto& p : params) {
    if (varies("params." + p)) cols.push_back("params." + p);
  }
  for (const auto& m : metrics) {
    if (varies("metrics." + m)) cols.push_back("metrics." + m);
  }
  return cols;
}

std::vector<std::vector<std::string>> list_rows(const std::vector<exp::Run>& runs, const std::vector<std::string>& columns) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& c : columns) {
    std::string h = c;
    for (auto& ch : h) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (c.rfind("params.", 0) == 0) h = c.substr(7);
    if (c.rfind("metrics.", 0) == 0) h = c.substr(8);
    if (c == "short_id") h = "ID";
    header.push_back(exp::printable(h));
  }
  rows.push_back(header);
  for (const auto& r : runs) {
    std::vector<std::string> row;
    for (const auto& c : columns) {
      const auto v = exp::field(r, c);
      if (!v) row.push_back("-");
      else if ((c == "started" || c == "ended") && v->is_string()) row.push_back(exp::printable(short_time(v->get<std::string>())));
      else if (c == "duration" && v->is_number()) row.push_back(seconds(v->get<double>()));
      else row.push_back(exp::printable(cell(*v)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string show_text(const exp::Run& r, const Output& out, const std::string& stdout_tail, const std::string& stderr_tail) {
  // Everything here may come from anyone's repository (exp pull): shown through printable().
  auto p = [](std::string_view t) { return exp::printable(t); };
  std::string cmd;
  for (const auto& a : r.argv) cmd += (cmd.empty() ? "" : " ") + a;
  std::string s = out.bold(p(r.name)) + "  " + p(r.id) + "\n";
  std::vector<std::vector<std::string>> info = {
      {"status", p(r.status) + (r.exit_code ? " (exit " + std::to_string(*r.exit_code) + ")" : "")},
      {"command", p(cmd)},
      {"started", p(r.started) + (r.ended.empty() ? "" : "  ended " + p(r.ended) + "  (" + seconds(r.duration) + ")")},
      {"baseline", p(r.baseline) + (r.dirty ? "  snapshot " + p(r.snapshot) + " (differs from the baseline)" : "")},
      {"host", p(r.user + "@" + r.host + "  " + r.os)},
      {"commit", p(r.commit)},
  };
  if (!r.tags.empty()) info.push_back({"tags", p(nlohmann::json(r.tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))});
  if (!r.note.empty()) info.push_back({"note", p(r.note)});
  if (!r.sweep.empty()) info.push_back({"sweep", p(r.sweep)});
  s += format_table(info, out, false);
  if (!r.params->empty()) {
    std::vector<std::vector<std::string>> rows{{"PARAM", "VALUE"}};
    for (const auto& [k, v] : r.params->items()) rows.push_back({p(k), p(cell(v))});
    s += "\n" + format_table(rows, out);
  }
  if (!r.metrics.empty()) {
    std::vector<std::vector<std::string>> rows{{"METRIC", "LAST", "MIN", "MAX", "STEP", "COUNT"}};
    for (const auto& [k, m] : r.metrics)
      rows.push_back({p(k), cell(m.last), cell(m.min), cell(m.max), std::to_string(m.step), std::to_string(m.count)});
    s += "\n" + format_table(rows, out);
  }
  if (!r.artifacts.empty()) {
    std::vector<std::vector<std::string>> rows{{"ARTIFACT", "SIZE", "SHA256", "KEPT"}};
    for (const auto& a : r.artifacts) rows.push_back({p(a.path), std::to_string(a.size), p(a.sha256.substr(0, 16)), a.kept ? "yes" : "no"});
    s += "\n" + format_table(rows, out);
  }
  for (const auto& w : r.warnings) s += "\nwarning: " + p(w);
  if (!r.warnings.empty()) s += "\n";
  if (!stdout_tail.empty())
    s += "\n" + out.dim("--- stdout (tail)" + std::string(r.stdout_truncated ? ", truncated" : "")) + "\n" + safe_block(stdout_tail);
  if (!stderr_tail.empty())
    s += "\n" + out.dim("--- stderr (tail)" + std::string(r.stderr_truncated ? ", truncated" : "")) + "\n" + safe_block(stderr_tail);
  if (!s.empty() && s.back() != '\n') s += "\n";
  return s;
}

void print_diff(const exp::RunDiff& d, Context& ctx, bool markdown, bool with_code) {
  auto rows_of = [&](const std::vector<exp::ValueDelta>& deltas, const char* what) {
    auto p = [](std::string_view t) { return exp::printable(t); };
    std::vector<std::vector<std::string>> rows{{what, p(d.old_label), p(d.new_label), "CHANGE"}};
    for (const auto& v : deltas) {
      rows.push_back({p(v.key), v.old_value ? p(cell(**v.old_value)) : "-", v.new_value ? p(cell(**v.new_value)) : "-",
                      delta(v.old_value, v.new_value)});
    }
    return rows;
  };
  if (ctx.out.json()) {
    auto arr = [](const std::vector<exp::ValueDelta>& deltas) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& v : deltas) {
        a.push_back({{"key", v.key},
                     {"old", v.old_value ? **v.old_value : nlohmann::json(nullptr)},
                     {"new", v.new_value ? **v.new_value : nlohmann::json(nullptr)}});
      }
      return a;
    };
    nlohmann::json j{{"schema", 1}, {"old", d.old_label}, {"new", d.new_label}, {"params", arr(d.params)}, {"metrics", arr(d.metrics)}};
    if (with_code) j["code"] = d.code_patch;
    ctx.out.print_json(j);
    return;
  }
  std::string s;
  if (!d.params.empty()) s += markdown ? format_markdown(rows_of(d.params, "PARAM")) : format_table(rows_of(d.params, "PARAM"), ctx.out);
  if (!d.metrics.empty())
    s += (s.empty() ? "" : "\n") +
         (markdown ? format_markdown(rows_of(d.metrics, "METRIC")) : format_table(rows_of(d.metrics, "METRIC"), ctx.out));
  if (d.params.empty() && d.metrics.empty()) s += "params and metrics are the same\n";
  if (with_code && !d.code_patch.empty())
    s += markdown ? "\n```diff\n" + safe_block(d.code_patch) + "```\n" : "\n" + safe_block(d.code_patch);
  ctx.out.print(s);
}

}  // namespace mlops::cli
