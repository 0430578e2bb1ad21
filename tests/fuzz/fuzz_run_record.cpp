// SPDX-License-Identifier: MIT
// Run records come from other people's repositories through `mlops exp pull`, and exp log
// lines from the user's training code: reading them must never crash, whatever they hold.
#include "exp/live_log.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cstdint>
#include <string>

using namespace mlops;
using namespace mlops::exp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Run r;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    read_run_json(r, j, "fuzz");
  } catch (const Error&) {
  } catch (const nlohmann::json::exception&) {
  }
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    read_metrics_json(r, j);
    read_artifacts_json(r, j);
    (void)run_json(r).dump();
    (void)metrics_json(r).dump();
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
  fs::write_file_atomic(dir.path() / "log.jsonl", text);
  const LiveData d = read_live(dir.path());
  for (const auto& [k, points] : d.series) {
    (void)summarize(points);
    (void)series_tsv(points);
    (void)series_file_name(k);
  }
  return 0;
}
