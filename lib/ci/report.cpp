// SPDX-License-Identifier: MIT
// mlops report: what a pull request shows of its runs.
#include "ci/gates.hpp"
#include "ci/gates_config.hpp"
#include "ci/render.hpp"
#include "ci/report_model.hpp"
#include "ci/subject.hpp"
#include "exp/record.hpp"
#include "exp/store.hpp"
#include "exp/values.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/package.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <set>

namespace mlops::ci {

namespace {

// step<TAB>time<TAB>value lines; non-finite values are dropped from a curve.
std::vector<Point> parse_series(const std::string& tsv) {
  std::vector<Point> out;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string::npos) end = tsv.size();
    const std::string_view line(tsv.data() + pos, end - pos);
    pos = end + 1;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) continue;
    double step = 0, value = 0;
    std::int64_t istep = 0;
    if (std::from_chars(line.data(), line.data() + t1, istep).ec != std::errc()) continue;
    step = static_cast<double>(istep);
    const auto v = line.substr(t2 + 1);
    if (std::from_chars(v.data(), v.data() + v.size(), value).ec != std::errc() || !std::isfinite(value)) continue;
    out.push_back({step, value});
  }
  return out;
}

// At most `n` points, evenly taken, the last one kept: a chart is a few hundred pixels wide.
std::vector<Point> thin(std::vector<Point> p, size_t n) {
  if (p.size() <= n) return p;
  std::vector<Point> out;
  out.reserve(n);
  for (size_t i = 0; i < n - 1; ++i) out.push_back(p[i * (p.size() - 1) / (n - 1)]);
  out.push_back(p.back());
  return out;
}

void add_packages(ReportModel& m, const stdfs::path& store) {
  std::error_code ec;
  if (store.empty() || !stdfs::exists(store / "index.json", ec)) return;
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < m.runs.size(); ++i) {
    if (!m.runs[i].subject.run_id.empty()) by_id[m.runs[i].subject.run_id] = i;
  }
  if (by_id.empty()) return;
  try {
    for (const auto& p : package::list(store)) {
      if (p.ref.empty()) continue;
      const nlohmann::json info = package::inspect(store, p.ref);
      const auto& ann = info.value("/manifest/annotations"_json_pointer, nlohmann::json::object());
      const auto id = ann.find("ai.mlops.exp.id");
      if (id == ann.end() || !id->is_string() || !by_id.count(id->get<std::string>())) continue;
      PackageRow row{p.ref, p.digest, p.signed_, ""};
      for (const auto& r : info.value("referrers", nlohmann::json::array())) {
        if (r.contains("key_id") && r["key_id"].is_string()) row.key_id = r["key_id"].get<std::string>();
      }
      m.runs[by_id[id->get<std::string>()]].packages.push_back(std::move(row));
    }
  } catch (const Error& e) {
    m.notes.push_back(std::string("packages not shown: ") + e.what());
  }
}

}  // namespace

ReportModel collect_report(const stdfs::path& cwd, const ReportOptions& o) {
  ReportModel m;
  const std::vector<GateSpec> specs = read_gates(find_project_file(cwd));
  std::vector<Resolved> subjects;
  if (o.runs.empty()) {
    subjects.push_back(resolve_subject(cwd, "", o.rev));
  } else {
    if (!o.rev.empty()) throw Error(ErrorKind::usage, "give RUNs or --rev REV, not both");
    // One listing resolves the names of every run (exp::show per run would read it each time).
    const std::vector<exp::Run> all = exp::list(cwd, every_run());
    std::map<std::string, size_t> by_name;
    for (size_t i = 0; i < all.size(); ++i) {
      by_name.emplace(all[i].id, i);
      if (!all[i].name.empty()) by_name.emplace(all[i].name, i);  // first = newest wins; ambiguous names go through show
    }
    std::map<std::string, size_t> name_count;
    for (const auto& r : all) ++name_count[r.name];
    for (const auto& spec : o.runs) {
      const auto it = by_name.find(spec);
      if (it != by_name.end() && (all[it->second].id == spec || name_count[spec] == 1)) {
        const exp::Run& r = all[it->second];
        subjects.push_back({{r.name, r.id, r.commit}, r});
      } else {
        subjects.push_back(resolve_subject(cwd, spec, ""));
      }
    }
  }
  // Each run once: a run named twice (by id and by name, say) is one row, and the baseline,
  // which has its own row, is not a run as well (`--against R1 R1 R2`) unless it is the only
  // run named: then its gates are still evaluated.
  {
    std::set<std::string> seen;
    std::vector<Resolved> unique;
    for (auto& s : subjects)
      if (s.subject.run_id.empty() || seen.insert(s.subject.run_id).second) unique.push_back(std::move(s));
    subjects = std::move(unique);
  }
  std::optional<Resolved> base;
  if (!o.against.empty()) base = resolve_baseline(cwd, o.against, subjects.size() == 1 ? subjects[0].run.id : std::string());
  if (base && !base->subject.run_id.empty() && subjects.size() > 1)
    std::erase_if(subjects, [&](const Resolved& s) { return s.subject.run_id == base->subject.run_id; });
  Names names;
  if (!specs.empty()) {
    for (const auto& r : exp::list(cwd, every_run())) names.add(r);
  }
  exp::Repo repo = exp::open_repo(cwd, false);
  auto row_of = [&](const Resolved& s, bool with_series) {
    RunRow row;
    row.subject = s.subject;
    for (const auto& [k, v] : s.run.params->items()) row.params[k] = v;
    if (!s.run.commit.empty() && !s.subject.run_id.empty()) {
      // From the run's own tree: hostile like any record (depth-limited parse, numbers only).
      if (const auto text = exp::read_run_file(repo, s.run.commit, "importances.json")) {
        try {
          for (const auto& [k, v] : exp::read_values(*text, "importances.json of " + s.subject.label))
            if (const auto x = exp::number_of(v)) row.importances[k] = *x;
        } catch (const Error& e) {
          m.notes.push_back(std::string("importances not shown: ") + e.what());
        }
      }
    }
    for (const auto& [k, mt] : s.run.metrics) {
      row.metrics[k] = mt.last;
      if (!with_series || mt.count < 2 || s.run.commit.empty() || s.subject.run_id.empty()) continue;
      if (const auto tsv = exp::read_run_file(repo, s.run.commit, "series/" + exp::series_file_name(k))) {
        auto points = parse_series(*tsv);
        if (points.size() >= 2) row.series[k] = thin(std::move(points), 400);
      }
    }
    return row;
  };
  if (base) {
    m.baseline = row_of(*base, false);
    names.add(base->run);
  }
  for (const auto& s : subjects) {
    RunRow row = row_of(s, o.format == "html");
    if (!specs.empty()) {
      names.add(s.run);
      for (const auto& g : specs) {
        const std::string field = names.resolve(g.field, s.run, "in " + g.source);
        row.gates.push_back(
            evaluate(g, field, s.subject, s.run, base ? std::optional<Subject>(base->subject) : std::nullopt, base ? &base->run : nullptr));
      }
      row.gates_checked = true;
    }
    m.runs.push_back(std::move(row));
  }
  add_packages(m, o.store);
  return m;
}

ReportOutput report(const stdfs::path& cwd, const ReportOptions& o) {
  if (o.format != "md" && o.format != "html" && o.format != "json")
    throw Error(ErrorKind::usage, "unknown report format '" + escape_controls(o.format) + "'", "md, html or json");
  const ReportModel m = collect_report(cwd, o);
  ReportOutput out;
  out.markdown = report_markdown(m, k_comment_cap);
  if (o.format == "md") out.text = out.markdown;
  else if (o.format == "html") out.text = report_html(m);
  else out.text = report_json(m).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return out;
}

}  // namespace mlops::ci
