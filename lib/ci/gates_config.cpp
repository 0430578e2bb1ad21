// SPDX-License-Identifier: MIT
#include "ci/gates_config.hpp"

#include "core/yaml_limits.hpp"
#include "exp/values.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cmath>
#include <iterator>

namespace mlops::ci {

namespace stdfs = std::filesystem;

stdfs::path find_project_file(const stdfs::path& cwd) {
  std::error_code ec;
  for (stdfs::path dir = stdfs::absolute(cwd, ec); !dir.empty(); dir = dir.parent_path()) {
    if (stdfs::is_regular_file(dir / "mlops.yaml", ec)) return dir / "mlops.yaml";
    if (dir == dir.parent_path()) break;
  }
  return {};
}

std::vector<GateSpec> read_gates(const stdfs::path& file) {
  std::vector<GateSpec> out;
  if (file.empty()) return out;
  const std::string name = file.filename().string();
  auto at = [&](const YAML::Node& n) { return name + ":" + std::to_string(n.Mark().line + 1); };
  YAML::Node root;
  try {
    root = yaml::load(fs::read_regular_file(file, exp::k_max_project_file), name);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::usage, name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["gates"]) return out;
  const YAML::Node gates = root["gates"];
  const std::string example = "for example  gates: {metrics.accuracy: {min: 0.9, max_drop: 0.01}}";
  if (gates.IsNull()) return out;
  if (!gates.IsMap()) throw Error(ErrorKind::usage, at(gates) + ": 'gates' must map metric names to conditions", example);
  const std::vector<std::string> kinds(std::begin(k_gate_kinds), std::end(k_gate_kinds));
  for (const auto& entry : gates) {
    if (!entry.first.IsScalar() || entry.first.Scalar().empty())
      throw Error(ErrorKind::usage, at(entry.first) + ": a gate is named by a metric (metrics.NAME)", example);
    const std::string field = entry.first.Scalar();
    if (!entry.second.IsMap() || entry.second.size() == 0)
      throw Error(
          ErrorKind::usage,
          at(entry.second) + ": gate '" + field + "' needs conditions: " + "min, max, max_drop, max_rise, max_drop_pct or max_rise_pct",
          example);
    for (const auto& cond : entry.second) {
      const std::string kind = cond.first.IsScalar() ? cond.first.Scalar() : std::string();
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        const auto close = closest_names(kind, kinds);
        throw Error(ErrorKind::usage, at(cond.first) + ": unknown condition '" + escape_controls(kind) + "' in gate '" + field + "'",
                    close.empty() ? "conditions: min, max, max_drop, max_rise, max_drop_pct, max_rise_pct" : did_you_mean(close));
      }
      const auto value = cond.second.IsScalar() ? exp::number_of(exp::parse_scalar(cond.second.Scalar())) : std::nullopt;
      if (!value || !std::isfinite(*value) || (kind != "min" && kind != "max" && *value < 0)) {
        throw Error(ErrorKind::usage,
                    at(cond.second) + ": '" + kind + "' of gate '" + field + "' must be a " +
                        (kind == "min" || kind == "max" ? "number" : "number at least 0") + ", got '" +
                        escape_controls(cond.second.IsScalar() ? cond.second.Scalar() : std::string("a collection")) + "'",
                    example);
      }
      out.push_back({field, kind, *value, at(cond.first)});
    }
  }
  return out;
}

std::vector<std::string> read_promote_requirements(const stdfs::path& file) {
  std::vector<std::string> out;
  if (file.empty()) return out;
  const std::string name = file.filename().string();
  YAML::Node root;
  try {
    root = yaml::load(fs::read_regular_file(file, exp::k_max_project_file), name);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::usage, name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["promote"] || root["promote"].IsNull()) return out;
  const YAML::Node p = root["promote"];
  const std::string example = "for example  promote: {require: [signed, gates]}";
  auto at = [&](const YAML::Node& n) { return name + ":" + std::to_string(n.Mark().line + 1); };
  if (!p.IsMap()) throw Error(ErrorKind::usage, at(p) + ": 'promote' must be a map", example);
  for (const auto& e : p) {
    const std::string key = e.first.IsScalar() ? e.first.Scalar() : std::string();
    if (key != "require") throw Error(ErrorKind::usage, at(e.first) + ": unknown key '" + escape_controls(key) + "' in promote", example);
    if (!e.second.IsSequence()) throw Error(ErrorKind::usage, at(e.second) + ": 'require' must be a list", example);
    for (const auto& item : e.second) {
      const std::string v = item.IsScalar() ? item.Scalar() : std::string();
      if (v != "signed" && v != "gates")
        throw Error(ErrorKind::usage, at(item) + ": unknown requirement '" + escape_controls(v) + "'", "requirements: signed, gates");
      out.push_back(v);
    }
  }
  return out;
}

}  // namespace mlops::ci
