// SPDX-License-Identifier: MIT
// The CSV reader of mlops drift (files come from anywhere) and the engine behind it: only
// mlops::Error may come out; a record split across reads parses as it does whole; every cell
// lands in exactly one count; text kept is UTF-8; and a file compared with itself never drifts.
// With a first line `#window SPEC [COLUMN]` (after the byte that chooses the record limit) the
// rest is the current data of `mlops drift --window SPEC --timestamp COLUMN`: rows are routed
// into the same windows whether records are split across reads or not, every row lands in one
// window or is counted as unparsable, a timestamp formats and parses back to itself, and
// compare_files (the file against itself, window by window) fails only with mlops::Error and
// reports each window once, in order, at the times it says.
#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include "core/json.hpp"
#include "drift/window.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

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

static std::string split_summary(const Table& t) {
  std::string s = summary(t) + "unsplit " + std::to_string(t.unsplit) + " at " + std::to_string(t.first_unsplit_line) + ";";
  for (std::size_t i = 0; i < t.parts.size(); ++i) s += "[" + std::to_string(t.part_keys[i]) + "] " + summary(t.parts[i]);
  return s;
}

// One file per process for compare_files, rewritten for every input and removed at exit.
struct InputFile {
  std::string path;
  InputFile() {
    std::string tmpl = "/dev/shm/mlops-fuzz-drift-XXXXXX";
    const int fd = ::mkstemp(tmpl.data());
    check(fd >= 0, "mkstemp");
    ::close(fd);
    path = tmpl;
  }
  ~InputFile() { ::unlink(path.c_str()); }
  void write(std::string_view text) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    check(f != nullptr && (text.empty() || std::fwrite(text.data(), 1, text.size(), f) == text.size()) && std::fclose(f) == 0,
          "cannot write the input file");
  }
};

static void windows(const std::string& line, const std::string& text, CsvOptions small) {
  const auto space = line.find(' ');
  const std::string spec_text = line.substr(0, space);
  const std::string column = space == std::string::npos ? std::string() : line.substr(space + 1);
  const auto spec = parse_window(spec_text);
  if (spec)
    check((spec->rows > 0) != (spec->seconds > 0) && spec->seconds <= std::int64_t{100000} * 7 * 86400, "a window spec out of range");
  if (!spec || (spec->seconds > 0 && column.empty())) return;

  // The reader routes rows by the rule compare_files uses; a timestamp reads back from its text.
  small.split_column = spec->seconds > 0 ? column : std::string();
  small.max_parts = 64;
  const WindowSpec w = *spec;
  small.split = [w](std::string_view cell, std::uint64_t row) {
    if (const auto t = parse_timestamp(cell)) check(parse_timestamp(format_timestamp(*t)) == t, "a timestamp does not read back");
    return window_key(w, cell, row);
  };
  CsvOptions whole = small;
  whole.max_record_bytes = text.size() + 1;
  Table a;
  bool a_ok = false;
  try {
    a = parse_csv(text, "fuzz.csv", whole);
    a_ok = true;
  } catch (const Error&) {
  }
  try {
    const Table b = parse_csv(text, "fuzz.csv", small);
    check(a_ok, "split: parsed in small windows but not whole");
    check(split_summary(a) == split_summary(b), "split: a record split across reads goes to another window");
  } catch (const Error& e) {
    check(!a_ok || std::string(e.what()).find("a record longer than") != std::string::npos,
          "split: parsed whole, but in small reads failed for another reason than the record limit");
  }
  if (a_ok) {
    std::uint64_t rows = 0;
    for (std::size_t i = 0; i < a.parts.size(); ++i) {
      check(i == 0 || a.part_keys[i - 1] < a.part_keys[i], "windows out of order or twice");
      const Table& p = a.parts[i];
      rows += p.rows;
      if (w.rows > 0) check(p.rows <= w.rows, "a row window holds more rows than it may");
      for (const Column& c : p.columns) {
        const bool split_column = !small.split_column.empty() && c.name == small.split_column;
        check(split_column ? c.numbers.size() + c.missing + c.text_cells == 0 : c.numbers.size() + c.missing + c.text_cells == p.rows,
              "split: a cell counted twice or not at all");
      }
    }
    check(rows == a.rows, "split: a row in no window, or in two");
  }

  // The whole path: both files read, each window compared with the reference, reports rendered.
  static const InputFile file;
  file.write(text);
  Options options;
  options.window = spec_text;
  options.timestamp = column;
  options.threads = 1;
  CsvOptions csv;
  csv.max_parts = small.max_parts;
  Report r;
  try {
    r = compare_files(file.path, file.path, options, csv);
  } catch (const Error&) {
    return;
  }
  if (a_ok) {
    check(r.windows.size() == a.parts.size(), "compare_files: not one report per window");
    check(r.unparsable_timestamps == a.unsplit, "compare_files: unparsable timestamps miscounted");
  }
  for (std::size_t i = 0; i < r.windows.size(); ++i) {
    const Window& win = r.windows[i];
    check(i == 0 || r.windows[i - 1].key < win.key, "compare_files: windows out of order");
    if (w.seconds > 0) {
      const std::int64_t start = w.origin + win.key * w.seconds;
      if (const auto t = parse_timestamp(win.start)) check(*t == start, "compare_files: a window starts elsewhere than it says");
      if (const auto t = parse_timestamp(win.end)) check(*t == start + w.seconds, "compare_files: a window ends elsewhere than it says");
    } else {
      check(win.start == std::to_string(static_cast<std::uint64_t>(win.key) * w.rows + 1), "compare_files: a row window's first row");
    }
  }
  (void)to_json(r);
  (void)to_markdown(r, 2000);
  (void)to_html(r);
  (void)to_junit(r);
  (void)to_table(r);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // First byte: the record limit, so that records end up split across the reader's windows.
  static constexpr std::size_t k_limits[] = {8, 64, 1024};
  CsvOptions small;
  small.max_record_bytes = k_limits[data[0] % 3];
  small.max_distinct_text = 8;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (text.starts_with("#window ")) {
    const auto nl = text.find('\n');
    const std::string line = text.substr(8, nl == std::string::npos ? std::string::npos : nl - 8);
    windows(line, nl == std::string::npos ? std::string() : text.substr(nl + 1), small);
    return 0;
  }
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
  // Plain decimals kept as scaled integers (what compare_files reads) come back as the very
  // doubles of the reader, and every other count is the same.
  CsvOptions scaled = whole;
  scaled.scaled = true;
  Table s;
  try {
    s = parse_csv(text, "fuzz.csv", scaled);
  } catch (const Error&) {
    check(false, "parsed, but not with scaled integers");
  }
  for (Column& c : s.columns) to_doubles(c);
  check(summary(s) == summary(a), "scaled integers: the counts differ");
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    const auto& x = a.columns[i].numbers;
    const auto& y = s.columns[i].numbers;
    check(x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0),
          "scaled integers: not the reader's doubles, bit for bit");
  }
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
