// SPDX-License-Identifier: MIT
// Run records come from other people's repositories through `mlops exp pull`, and exp log
// lines from the user's training code: reading them must never crash, whatever they hold.
#include "core/json.hpp"
#include "exp/live_log.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::exp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Run r;
  try {
    const nlohmann::json j = parse_json(text, "fuzz");
    read_run_json(r, j, "fuzz");
  } catch (const Error&) {
  }
  try {
    const nlohmann::json j = parse_json(text, "fuzz");
    read_metrics_json(r, j);
    read_artifacts_json(r, j);
    (void)run_json(r).dump();
    // Metrics survive a write and a read, NaN and infinities included.
    const nlohmann::json m = metrics_json(r);
    Run back;
    read_metrics_json(back, nlohmann::json::parse(m.dump()));
    for (const auto& [k, v] : r.metrics) {
      const Metric& w = back.metrics.at(k);
      auto same = [](double a, double b) { return a == b || (a != a && b != b); };
      if (!same(v.last, w.last) || !same(v.min, w.min) || !same(v.max, w.max) || v.step != w.step || v.count != w.count) {
        std::fprintf(stderr, "fuzz_run_record: metric %s changed through metrics.json\n", k.c_str());
        std::abort();
      }
    }
  } catch (const Error&) {
  } catch (const nlohmann::json::exception&) {
  }
  // The checks every reader makes before believing a record (exp pull brings anyone's):
  // never a crash or a deep recursion, whatever the nesting (corpus: deep_array, deep_object).
  {
    RecordHead head;
    if (read_record_head(text, head)) (void)head_problem(head, head.id);
    if (json_problem(text).empty()) {
      const nlohmann::json j = nlohmann::json::parse(text);
      (void)j.dump();
      Run checked;
      try {
        if (j.is_object()) read_run_json(checked, j, "fuzz");
      } catch (const Error&) {
      }
    }
    (void)printable(text);
  }
  static fs::TempDir dir;
  fs::write_file_atomic(dir.path() / "log.jsonl", text, stdfs::perms(0644), false);  // no fsync: thousands of runs a second
  const LiveData d = read_live(dir.path());
  for (const auto& [k, points] : d.series) {
    (void)summarize(points);
    (void)series_tsv(points);
    (void)series_file_name(k);
  }
  return 0;
}
