// SPDX-License-Identifier: MIT
#include "exp/record.hpp"

#include "exp/values.hpp"

#include <mlops/error.hpp>

namespace mlops::exp {
namespace {

template <class T>
T get_or(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

}  // namespace

nlohmann::json run_json(const Run& r) {
  nlohmann::json j;
  j["schema"] = k_run_schema;
  j["id"] = r.id;
  j["name"] = r.name;
  j["status"] = r.status;
  j["argv"] = r.argv;
  j["exit_code"] = r.exit_code ? nlohmann::json(*r.exit_code) : nlohmann::json(nullptr);
  j["signal"] = r.signal;
  j["baseline"] = r.baseline;
  j["snapshot"] = r.snapshot;
  j["dirty"] = r.dirty;
  j["started"] = r.started;
  j["ended"] = r.ended.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ended);
  j["duration"] = r.duration;
  j["host"] = r.host;
  j["user"] = r.user;
  j["os"] = r.os;
  j["tool_version"] = r.tool_version;
  j["cwd"] = r.cwd;
  j["tags"] = r.tags;
  j["note"] = r.note;
  j["sweep"] = r.sweep.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.sweep);
  j["warnings"] = r.warnings;
  j["logs"] = {{"stdout_truncated", r.stdout_truncated}, {"stderr_truncated", r.stderr_truncated}};
  if (r.status == "running") j["process"] = {{"pid", r.pid}, {"boot_id", r.boot_id}, {"start_time", r.pid_start}};
  return j;
}

nlohmann::json metrics_json(const Run& r) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, m] : r.metrics) {
    j[k] = {{"last", number_json(m.last)}, {"min", number_json(m.min)}, {"max", number_json(m.max)}, {"step", m.step}, {"count", m.count}};
  }
  return j;
}

nlohmann::json artifacts_json(const Run& r) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& a : r.artifacts) j.push_back({{"path", a.path}, {"size", a.size}, {"sha256", a.sha256}, {"kept", a.kept}});
  return j;
}

void read_run_json(Run& r, const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, where + ": run.json is not an object");
  const int schema = get_or<int>(j, "schema", 0);
  if (schema != k_run_schema) {
    throw Error(
        ErrorKind::invalid_input,
        where + ": run.json schema " + std::to_string(schema) + " is not supported (this mlops reads " + std::to_string(k_run_schema) + ")",
        "upgrade mlops");
  }
  r.id = get_or<std::string>(j, "id", "");
  r.name = get_or<std::string>(j, "name", "");
  r.status = get_or<std::string>(j, "status", "");
  r.argv = get_or<std::vector<std::string>>(j, "argv", {});
  if (j.contains("exit_code") && j["exit_code"].is_number_integer()) r.exit_code = j["exit_code"].get<int>();
  r.signal = get_or<int>(j, "signal", 0);
  r.baseline = get_or<std::string>(j, "baseline", "");
  r.snapshot = get_or<std::string>(j, "snapshot", "");
  r.dirty = get_or<bool>(j, "dirty", false);
  r.started = get_or<std::string>(j, "started", "");
  r.ended = get_or<std::string>(j, "ended", "");
  r.duration = get_or<double>(j, "duration", 0);
  r.host = get_or<std::string>(j, "host", "");
  r.user = get_or<std::string>(j, "user", "");
  r.os = get_or<std::string>(j, "os", "");
  r.tool_version = get_or<std::string>(j, "tool_version", "");
  r.cwd = get_or<std::string>(j, "cwd", "");
  r.tags = get_or<std::vector<std::string>>(j, "tags", {});
  r.note = get_or<std::string>(j, "note", "");
  r.sweep = get_or<std::string>(j, "sweep", "");
  r.warnings = get_or<std::vector<std::string>>(j, "warnings", {});
  if (auto logs = j.find("logs"); logs != j.end() && logs->is_object()) {
    r.stdout_truncated = get_or<bool>(*logs, "stdout_truncated", false);
    r.stderr_truncated = get_or<bool>(*logs, "stderr_truncated", false);
  }
  if (auto p = j.find("process"); p != j.end() && p->is_object()) {
    r.pid = get_or<int>(*p, "pid", 0);
    r.boot_id = get_or<std::string>(*p, "boot_id", "");
    r.pid_start = get_or<std::uint64_t>(*p, "start_time", 0);
  }
}

void read_metrics_json(Run& r, const nlohmann::json& j) {
  if (!j.is_object()) return;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_object()) continue;
    Metric m;
    const nlohmann::json& fields = v;  // a structured binding cannot be captured before C++20 (clang)
    auto number = [&fields](const char* key) {
      auto it = fields.find(key);
      return it == fields.end() ? 0.0 : number_of(*it).value_or(0.0);
    };
    m.last = number("last");
    m.min = number("min");
    m.max = number("max");
    m.step = get_or<std::int64_t>(v, "step", 0);
    m.count = get_or<std::int64_t>(v, "count", 0);
    r.metrics[k] = m;
  }
}

void read_artifacts_json(Run& r, const nlohmann::json& j) {
  if (!j.is_array()) return;
  for (const auto& v : j) {
    if (!v.is_object()) continue;
    r.artifacts.push_back({get_or<std::string>(v, "path", ""), get_or<std::uint64_t>(v, "size", 0), get_or<std::string>(v, "sha256", ""),
                           get_or<bool>(v, "kept", false)});
  }
}

std::string series_file_name(const std::string& metric) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : metric) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (out.empty() || out[0] == '.') out = "%2E" + out.substr(out.empty() ? 0 : 1);
  return out + ".tsv";
}

}  // namespace mlops::exp
