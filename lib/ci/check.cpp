// SPDX-License-Identifier: MIT
// mlops check: the gates of mlops.yaml and the command line's expressions, on a run.
#include "ci/gates.hpp"
#include "ci/gates_config.hpp"
#include "ci/subject.hpp"
#include "exp/filter.hpp"
#include "exp/values.hpp"

#include <mlops/ci.hpp>
#include <mlops/did_you_mean.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <set>

namespace mlops::ci {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

void Names::add(const exp::Run& r) {
  for (const auto& [k, _] : r.params->items()) fields.insert("params." + k);
  for (const auto& [k, _] : r.metrics) fields.insert("metrics." + k);
}

std::string Names::resolve(const std::string& name, const exp::Run& subject, const std::string& where) const {
  if (fields.count(name)) return name;
  if (name.rfind("metrics.", 0) == 0) {
    const size_t dot = name.rfind('.');
    if (dot > 8 && fields.count(name.substr(0, dot))) {
      const std::string part = name.substr(dot + 1);
      if (part == "last" || part == "min" || part == "max" || part == "step" || part == "count") return name;
    }
  } else if (name.rfind("params.", 0) != 0) {
    std::vector<std::string> means;
    for (const char* p : {"params.", "metrics."}) {
      if (fields.count(p + name)) means.push_back(p + name);
    }
    if (means.size() > 1)
      throw Error(ErrorKind::usage,
                  "'" + escape_controls(name) + "' " + where + " is ambiguous: it could be " + means[0] + " or " + means[1],
                  "write " + means[0] + " or " + means[1]);
    if (means.size() == 1) return means[0];
    if (exp::field(subject, name)) return name;  // status, duration, ...
  }
  std::vector<std::string> all(fields.begin(), fields.end());
  std::vector<std::string> metrics;
  for (const auto& f : all) {
    if (f.rfind("metrics.", 0) == 0) metrics.push_back(f);
  }
  std::string hint;
  const std::string key = name.rfind("metrics.", 0) == 0 || name.rfind("params.", 0) == 0 ? name : "metrics." + name;
  if (const auto close = closest_names(key, all); !close.empty()) hint = did_you_mean(close) + " ";
  if (metrics.empty()) {
    hint += "no run has recorded metrics yet";
  } else {
    hint += "metrics recorded: ";
    for (size_t i = 0; i < metrics.size() && i < 12; ++i) hint += (i ? ", " : "") + escape_controls(metrics[i]);
    if (metrics.size() > 12) hint += ", ... (" + std::to_string(metrics.size()) + " in all)";
  }
  throw Error(ErrorKind::usage, "unknown metric '" + escape_controls(name) + "' " + where + ": no run has recorded it", hint);
}

namespace {

std::optional<double> numeric_field(const exp::Run& r, const std::string& field) {
  const auto v = exp::field(r, field);
  if (!v) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>() ? 1.0 : 0.0;
  return exp::number_of(*v);
}

}  // namespace

GateResult evaluate(const GateSpec& g, const std::string& field, const Subject& subject, const exp::Run& run,
                    const std::optional<Subject>& base_subject, const exp::Run* base) {
  GateResult out;
  out.field = field;
  out.kind = g.kind;
  out.source = g.source;
  out.threshold = g.threshold;
  const bool relative = g.kind.ends_with("_pct");
  const std::string limit = num(g.threshold) + (relative ? "%" : "");
  if (g.kind == "min") out.condition = ">= " + limit;
  else if (g.kind == "max") out.condition = "<= " + limit;
  else if (g.kind.starts_with("max_drop")) out.condition = "drop <= " + limit;
  else out.condition = "rise <= " + limit;
  out.value = numeric_field(run, field);
  if (base) out.baseline = numeric_field(*base, field);
  auto verdict = [&](bool ok, std::string why) {
    out.status = ok ? "pass" : "fail";
    if (!ok) out.reason = std::move(why);
    return out;
  };
  if (!exp::field(run, field)) return verdict(false, "run " + escape_controls(subject.label) + " recorded no value for " + field);
  if (!out.value) return verdict(false, field + " is not a number");
  const double v = *out.value;
  if (std::isnan(v)) return verdict(false, field + " is NaN");
  if (g.kind == "min") return verdict(v >= g.threshold, field + " = " + num(v) + " is below the minimum " + limit);
  if (g.kind == "max") return verdict(v <= g.threshold, field + " = " + num(v) + " is above the maximum " + limit);
  if (!base) {
    out.status = "skip";
    out.reason = "compares with a baseline: give --against REV|RUN";
    return out;
  }
  if (!out.baseline || std::isnan(*out.baseline)) {
    out.status = "skip";
    out.reason = "baseline " + escape_controls(base_subject->label) + " has no value for " + field;
    return out;
  }
  const double b = *out.baseline;
  const double change = g.kind.starts_with("max_drop") ? b - v : v - b;  // > 0: a regression
  const std::string what = g.kind.starts_with("max_drop") ? "dropped" : "rose";
  if (!relative) return verdict(change <= g.threshold, field + " " + what + " by " + num(change) + " (more than " + limit + ")");
  if (b == 0) return verdict(change <= 0, field + " " + what + " from a baseline of 0 (no relative change can be taken)");
  const double pct = change / std::fabs(b) * 100;
  return verdict(pct <= g.threshold, field + " " + what + " by " + num(pct) + "% (more than " + limit + ")");
}

std::size_t CheckResult::failed() const {
  std::size_t n = 0;
  for (const auto& g : gates) n += g.status == "fail" ? 1 : 0;
  return n;
}

CheckResult check(const stdfs::path& cwd, const CheckOptions& o) {
  // The gates first: a malformed section is the answer whatever the runs are.
  const std::vector<GateSpec> specs = read_gates(find_project_file(cwd));
  std::vector<exp::Filter> filters;
  for (const auto& e : o.expressions) filters.push_back(exp::Filter::parse(e));
  if (specs.empty() && filters.empty()) {
    throw Error(ErrorKind::usage, "no gates to check",
                "add a gates: section to mlops.yaml (gates: {metrics.accuracy: {min: 0.9}}) or give an expression: "
                "mlops check 'metrics.accuracy >= 0.9'");
  }
  CheckResult res;
  const Resolved subject = resolve_subject(cwd, o.run, o.rev);
  res.run = subject.subject;
  std::optional<Resolved> base;
  if (!o.against.empty()) {
    base = resolve_baseline(cwd, o.against, subject.run.id);
    res.baseline = base->subject;
  }
  Names names;
  for (const auto& r : exp::list(cwd, every_run())) names.add(r);
  names.add(subject.run);
  if (base) names.add(base->run);

  for (const auto& g : specs) {
    const std::string field = names.resolve(g.field, subject.run, "in " + g.source);
    res.gates.push_back(evaluate(g, field, res.run, subject.run, res.baseline, base ? &base->run : nullptr));
  }
  for (size_t i = 0; i < filters.size(); ++i) {
    exp::Filter& f = filters[i];
    std::map<std::string, std::string> resolved;
    const std::string where = "in '" + escape_controls(o.expressions[i]) + "'";
    const std::string prefix = exp::k_field_value_prefix;
    std::set<std::string> base_fields;  // resolved, without the prefix
    for (const auto& n : f.names()) {
      if (n.is_tag) continue;
      if (n.name.rfind(prefix, 0) == 0) {
        if (!base) {
          throw Error(ErrorKind::usage,
                      "'" + escape_controls(n.name) + "' " + where + " names the baseline's value, but no baseline was given",
                      "add --against REV|RUN: the run or revision to compare with");
        }
        const std::string full = names.resolve(n.name.substr(prefix.size()), base->run, where);
        base_fields.insert(full);
        resolved[n.name] = prefix + full;
      } else {
        resolved[n.name] = names.resolve(n.name, subject.run, where);
      }
    }
    f.rename([&](const std::string& n) { return resolved.count(n) ? resolved[n] : n; });
    GateResult g;
    g.kind = "expression";
    g.condition = o.expressions[i];
    g.source = "argument " + std::to_string(i + 1);
    std::set<std::string> fields;
    for (const auto& [_, full] : resolved)
      if (full.rfind(prefix, 0) != 0) fields.insert(full);
    if (fields.size() == 1) {
      g.field = *fields.begin();
      g.value = numeric_field(subject.run, g.field);
      if (base) g.baseline = numeric_field(base->run, g.field);
    }
    std::string missing;
    for (const auto& fld : fields) {
      if (!exp::field(subject.run, fld) && missing.empty()) missing = fld;
    }
    std::string base_missing;
    for (const auto& fld : base_fields) {
      if (!numeric_field(base->run, fld) && base_missing.empty()) base_missing = fld;
    }
    const exp::Run& run = subject.run;
    const bool ok = missing.empty() && base_missing.empty() &&
                    f.matches(
                        [&](std::string_view fld) {
                          if (fld.rfind(prefix, 0) == 0) return exp::field(base->run, std::string(fld.substr(prefix.size())));
                          return exp::field(run, std::string(fld));
                        },
                        [&](std::string_view tag) { return std::find(run.tags.begin(), run.tags.end(), tag) != run.tags.end(); });
    g.status = ok ? "pass" : "fail";
    if (!missing.empty()) {
      g.reason = "run " + escape_controls(res.run.label) + " recorded no value for " + missing;
    } else if (!base_missing.empty()) {
      // As a gate of mlops.yaml whose baseline lacks the value: not judged, and says why.
      g.status = "skip";
      g.reason = "baseline " + escape_controls(res.baseline->label) + " has no number for " + base_missing;
    } else if (!ok) {
      std::string values;
      if (g.value) values = " (" + g.field + " = " + num(*g.value) + (g.baseline ? ", baseline " + num(*g.baseline) : "") + ")";
      g.reason = "does not hold for run " + escape_controls(res.run.label) + values;
    }
    res.gates.push_back(std::move(g));
  }
  return res;
}

std::vector<package::CardGate> card_gates(const stdfs::path& cwd, const std::string& run) {
  std::vector<package::CardGate> out;
  if (read_gates(find_project_file(cwd)).empty()) return out;
  CheckOptions o;
  o.run = run;
  for (const auto& g : check(cwd, o).gates) out.push_back({g.field, g.condition, g.value ? num(*g.value) : "", g.status, g.reason});
  return out;
}

}  // namespace mlops::ci
