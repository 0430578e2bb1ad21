// SPDX-License-Identifier: MIT
// The CSV reader of mlops drift (files come from anywhere) and the engine behind it: only
// mlops::Error may come out; a record split across reads parses as it does whole; every cell
// lands in exactly one count; text kept is UTF-8; and a file compared with itself never drifts.
#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include "core/json.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops;
using namespace mlops::drift;

static void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_drift_csv: %s\n", what);
    std::abort();
  }
}

static std::string summary(const Table& t) {
  std::string s = std::to_string(t.rows) + ";";
  for (const Column& c : t.columns) {
    s += c.name + ":" + std::to_string(c.numbers.size()) + "/" + std::to_string(c.missing) + "/" + std::to_string(c.text_cells) + "/" +
         std::to_string(c.text.size()) + ";";
  }
  return s;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // First byte: the record limit, so that records end up split across the reader's windows.
  static constexpr std::size_t k_limits[] = {8, 64, 1024};
  CsvOptions small;
  small.max_record_bytes = k_limits[data[0] % 3];
  small.max_distinct_text = 8;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  CsvOptions whole = small;
  whole.max_record_bytes = text.size() + 1;
  Table a, b;
  bool a_ok = false;
  try {
    a = parse_csv(text, "fuzz.csv", whole);
    a_ok = true;
  } catch (const Error&) {
  }
  try {
    b = parse_csv(text, "fuzz.csv", small);
    check(a_ok, "parsed in small windows but not whole");
    check(summary(a) == summary(b), "a record split across windows parses differently");
  } catch (const Error& e) {
    check(!a_ok || std::string(e.what()).find("a record longer than") != std::string::npos,
          "parsed whole, but in windows failed for another reason than the record limit");
  }
  if (!a_ok) return 0;
  for (const Column& c : a.columns) {
    check(c.numbers.size() + c.missing + c.text_cells == a.rows, "a cell counted twice or not at all");
    for (double x : c.numbers) check(std::isfinite(x), "a kept number is not finite");
    for (const auto& [k, n] : c.text) check(is_valid_utf8(k) && n > 0, "kept text is not UTF-8");
    check(is_valid_utf8(c.name), "a column name is not UTF-8");
  }
  Table copy = a;
  try {
    const Report r = compare(a, copy, Options{});
    check(!r.dataset_drift && r.number_of_drifted_columns == 0, "a file compared with itself drifts");
    (void)to_json(r);
    (void)to_markdown(r, 2000);
    (void)to_html(r);
    (void)to_junit(r);
    (void)to_table(r);
  } catch (const Error&) {
  }
  return 0;
}
