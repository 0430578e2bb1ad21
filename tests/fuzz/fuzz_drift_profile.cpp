// SPDX-License-Identifier: MIT
// Reference profiles of mlops drift come from disk: only mlops::Error may come out of reading
// one; what reads writes back to a profile that reads the same; a profile compared with
// itself never drifts; merged with itself it counts everything twice.
#include "drift/number_sketch.hpp"

#include <mlops/drift.hpp>
#include <mlops/drift_profile.hpp>
#include <mlops/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::drift;

static void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_drift_profile: %s\n", what);
    std::abort();
  }
}

static std::string summary(const Table& t) {
  std::string s = std::to_string(t.rows) + ";";
  for (const Column& c : t.columns) {
    const std::uint64_t n = c.numbers.size() + (c.sketch ? c.sketch->count() : 0);
    s += c.name + ":" + std::to_string(n) + "/" + std::to_string(c.missing) + "/" + std::to_string(c.text_cells) + "/" +
         std::to_string(c.text.size()) + ";";
  }
  return s;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The magic bytes are given: without them nothing else is looked at.
  std::string bytes("\x89MLPROF\n", 8);
  bytes.append(reinterpret_cast<const char*>(data), size);
  Table t;
  try {
    t = parse_profile(bytes, "fuzz.profile", 1 << 20);
  } catch (const Error&) {
    return 0;
  }
  const std::string s = summary(t);
  Table copy = t;
  const std::string again = profile_bytes(copy);
  Table back;
  try {
    back = parse_profile(again, "again.profile", 1 << 20);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    check(false, "a profile that read does not read back once written");
  }
  check(summary(back) == s, "a profile written back reads differently");
  try {
    Table a = t, b = t;
    const Report r = compare(a, b, Options{});
    for (const ColumnResult& c : r.columns) check(c.rank_error > 0 || !c.drift_detected, "an exact profile compared with itself drifts");
    (void)to_json(r);
    (void)to_html(r);
  } catch (const Error&) {
  }
  if (t.rows <= (std::uint64_t{1} << 60)) {
    std::vector<Table> two{t, t};
    const Table m = merge_tables(two);
    check(m.rows == 2 * t.rows, "merged with itself: not twice the rows");
  }
  return 0;
}
