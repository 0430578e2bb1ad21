// SPDX-License-Identifier: MIT
#include "exp/live_log.hpp"

#include "core/json.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace mlops::exp {

void log(const LogEntry& entry) {
  const char* dir = std::getenv(k_run_dir_env);
  if (dir == nullptr || *dir == '\0') {
    throw Error(ErrorKind::usage, "no run to log to: mlops exp log works inside a command started by 'mlops exp run'",
                "for example: mlops exp run -- python train.py   (train.py calls mlops exp log loss=0.3)");
  }
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string lines;
  if (!entry.metrics.empty()) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [k, v] : entry.metrics) metrics[k] = number_json(v);  // NaN and Infinity as strings: JSON has no such numbers
    nlohmann::json j{{"t", now}, {"metrics", metrics}};
    j["step"] = entry.step ? nlohmann::json(*entry.step) : nlohmann::json(nullptr);
    lines += json_text(j) + "\n";
  }
  if (!entry.importances.empty()) {
    nlohmann::json imp = nlohmann::json::object();
    for (const auto& [k, v] : entry.importances) imp[k] = number_json(v);
    lines += json_text({{"t", now}, {"importances", imp}}) + "\n";
  }
  if (!entry.params.empty()) lines += json_text({{"t", now}, {"params", entry.params}}) + "\n";
  if (!entry.artifacts.empty()) {
    std::vector<std::string> abs;
    for (const auto& a : entry.artifacts) abs.push_back(stdfs::absolute(a).lexically_normal().string());
    lines += json_text({{"t", now}, {"artifacts", abs}}) + "\n";
  }
  if (lines.empty()) return;
  const stdfs::path file = stdfs::path(dir) / "log.jsonl";
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("cannot log to " + file.string() + " (has the run ended?)");
  const ssize_t n = ::write(fd, lines.data(), lines.size());  // one write: never interleaved
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(lines.size())) {
    errno = err;
    throw_errno("cannot log to " + file.string());
  }
}

LiveData read_live(const stdfs::path& live_dir) {
  LiveData d;
  std::string text;
  try {
    text = fs::read_file(live_dir / "log.jsonl");
  } catch (const Error&) {
    return d;
  }
  std::map<std::string, std::int64_t> next_step;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = parse_json(line, "exp log line " + std::to_string(line_no));
    } catch (const Error&) {
      d.warnings.push_back("exp log line " + std::to_string(line_no) + " is not valid JSON; skipped");
      continue;
    }
    if (!j.is_object()) {
      d.warnings.push_back("exp log line " + std::to_string(line_no) + " is not a JSON object; skipped");
      continue;
    }
    const double t = j.contains("t") && j["t"].is_number() ? j["t"].get<double>() : 0.0;
    if (auto m = j.find("metrics"); m != j.end() && m->is_object()) {
      const auto s = j.find("step");
      const bool has_step =
          s != j.end() && s->is_number_integer() && !(s->is_number_unsigned() && s->get<std::uint64_t>() > std::uint64_t(INT64_MAX));
      for (const auto& [k, v] : m->items()) {
        const std::optional<double> x = number_of(v);
        if (!x) continue;
        const std::int64_t step = has_step ? s->get<std::int64_t>() : next_step[k];
        next_step[k] = step == INT64_MAX ? step : step + 1;
        d.series[k].push_back({step, t, *x});
      }
    }
    if (auto p = j.find("params"); p != j.end() && p->is_object()) {
      for (const auto& [k, v] : p->items()) d.params[k] = v.is_string() ? parse_scalar(v.get<std::string>()) : v;
    }
    if (auto m = j.find("importances"); m != j.end() && m->is_object()) {
      for (const auto& [k, v] : m->items())
        if (const std::optional<double> x = number_of(v)) d.importances[k] = *x;  // a later call wins
    }
    if (auto a = j.find("artifacts"); a != j.end() && a->is_array()) {
      for (const auto& v : *a) {
        if (v.is_string()) d.artifacts.push_back(v.get<std::string>());
      }
    }
  }
  return d;
}

std::string series_tsv(const std::vector<SeriesPoint>& points) {
  std::string out = "step\ttime\tvalue\n";
  char buf[128];
  for (const auto& p : points) {
    if (std::isfinite(p.value)) {
      std::snprintf(buf, sizeof buf, "%lld\t%.3f\t%.17g\n", static_cast<long long>(p.step), p.time, p.value);
    } else {
      std::snprintf(buf, sizeof buf, "%lld\t%.3f\t%s\n", static_cast<long long>(p.step), p.time,
                    number_json(p.value).get_ref<const std::string&>().c_str());
    }
    out += buf;
  }
  return out;
}

Metric summarize(const std::vector<SeriesPoint>& points) {
  Metric m;
  if (points.empty()) return m;
  m.min = m.max = points.front().value;
  for (const auto& p : points) {
    if (!(p.value >= m.min)) m.min = std::isnan(p.value) ? m.min : p.value;
    if (!(p.value <= m.max)) m.max = std::isnan(p.value) ? m.max : p.value;
  }
  m.last = points.back().value;
  m.step = points.back().step;
  m.count = static_cast<std::int64_t>(points.size());
  return m;
}

}  // namespace mlops::exp
