// SPDX-License-Identifier: MIT
// Data drift: two CSV files (reference and current) read column by column, and per column a
// statistical test whose numbers equal scipy's, chosen by Evidently's default rules unless
// told otherwise. docs/formats.md ("Drift report") describes the JSON form of a Report.
#pragma once

#include <mlops/api.hpp>
#include <mlops/progress.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mlops::drift {

// ---- reading ----

struct CsvOptions {
  // A record (one line, or several inside quotes) longer than this is an error, so a file
  // that is one enormous line cannot take unbounded memory.
  std::size_t max_record_bytes = std::size_t{64} << 20;
  // Distinct non-numeric values kept per column; beyond it the column is free text.
  std::size_t max_distinct_text = 100000;
  // Bytes of numbers kept (0: no limit, every number exact). Past it the largest columns
  // go over to a sketch (Column::sketch), whose results state their error (--max-memory).
  std::uint64_t max_number_bytes = 0;
  // Told the bytes read (thread-safe: both files are read at once); the caller sets the phase.
  Progress progress;
};

class NumberSketch;  // lib/drift/number_sketch.hpp

// One column as read: numeric cells as doubles, every other non-empty cell counted by value.
// Nothing else of the file is kept.
struct Column {
  std::string name;
  std::vector<double> numbers;                          // finite numeric cells, in file order
  std::uint64_t missing = 0;                            // empty cells and pandas' NA spellings (NA, NaN, null, ...), ±inf
  std::uint64_t text_cells = 0;                         // non-empty cells that are not numbers
  std::unordered_map<std::string, std::uint64_t> text;  // their values (valid UTF-8)
  bool text_overflow = false;                           // more than max_distinct_text distinct values
  bool integer_literals = true;                         // every numeric cell was written as an integer ("12", "-3")
  std::uint64_t first_text_line = 0;                    // where the first non-numeric cell was (for --strict)
  std::string first_text;
  // Set when the numbers are summed up instead of kept (a reference profile's large column,
  // or past CsvOptions::max_number_bytes): `numbers` is then empty.
  std::shared_ptr<NumberSketch> sketch;
};

struct Table {
  std::string source;  // the path as given ("-" for standard input)
  std::vector<Column> columns;
  std::uint64_t rows = 0;
};

// Reads a CSV file (RFC 4180: a header row, "" inside quotes, CRLF or LF, empty cells
// missing), gzip- or zstd-compressed (by the magic bytes), or standard input for "-".
// Errors: not_found (no such file), invalid_input (empty file, ragged row with file:line,
// duplicate header, bytes that are not UTF-8 in a header or text cell, a record longer than
// max_record_bytes, a corrupt compressed stream), io.
MLOPS_API Table read_csv(const std::string& path, const CsvOptions& options = {});
// The same parser over text in memory (tests, fuzzing); `source` names it in errors.
MLOPS_API Table parse_csv(std::string_view text, const std::string& source, const CsvOptions& options = {});

// ---- statistics (scipy's numbers; each names the scipy call it equals) ----

struct TestResult {
  double statistic = 0;
  double p_value = 0;  // NaN where the test has none (distances)
};

// scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto'). Sorts both inputs.
MLOPS_API TestResult ks_2samp(std::vector<double>& a, std::vector<double>& b);
// ks_2samp's p-value for a statistic d of samples of n1 and n2 values (d as scipy rounds it).
MLOPS_API TestResult ks_pvalue(double d, std::uint64_t n1, std::uint64_t n2);
// scipy.stats.kstwo.sf(d, n): the finite-n two-sided Kolmogorov distribution.
MLOPS_API double kstwo_sf(double d, double n);
// scipy.stats.chisquare(observed, expected), ddof 0.
MLOPS_API TestResult chisquare(const std::vector<double>& observed, const std::vector<double>& expected);
// scipy.stats.chi2_contingency(table) for a 2×k table (correction=True: Yates when dof is 1).
MLOPS_API TestResult chi2_contingency(const std::vector<double>& row0, const std::vector<double>& row1);
// scipy.stats.chi2.sf(x, dof).
MLOPS_API double chi2_sf(double x, double dof);
// scipy.special.ndtr(x): the standard normal CDF.
MLOPS_API double normal_cdf(double x);
// scipy.spatial.distance.jensenshannon(p, q, base): base 0 means e (nats).
MLOPS_API double jensenshannon(const std::vector<double>& p, const std::vector<double>& q, double base = 0);
// scipy.stats.wasserstein_distance(a, b). Sorts both inputs.
MLOPS_API double wasserstein_distance(std::vector<double>& a, std::vector<double>& b);
// scipy.stats.entropy(p, q): KL divergence in nats (both renormalised).
MLOPS_API double kl_divergence(const std::vector<double>& p, const std::vector<double>& q);
// Sorts ascending (a radix sort for large inputs; nothing to do when already sorted).
MLOPS_API void sort_values(std::vector<double>& values);
// numpy.std(x) (ddof 0).
MLOPS_API double population_std(const std::vector<double>& x);
// numpy.histogram_bin_edges(concat(a, b), bins='sturges').
MLOPS_API std::vector<double> sturges_edges(const std::vector<double>& a, const std::vector<double>& b);
// numpy.histogram(x, edges)[0]: half-open bins, the last one closed.
MLOPS_API std::vector<double> histogram(const std::vector<double>& x, const std::vector<double>& edges);

// ---- drift ----

enum class Method { auto_, ks, chisquare, z, psi, jensenshannon, wasserstein, kl };
MLOPS_API const char* to_string(Method m) noexcept;
MLOPS_API std::optional<Method> parse_method(std::string_view name) noexcept;

enum class ColumnType { numerical, categorical, text };
MLOPS_API const char* to_string(ColumnType t) noexcept;

struct Options {
  std::vector<std::string> columns;  // empty: every column
  std::vector<std::string> exclude;
  Method method = Method::auto_;
  std::optional<double> threshold;  // default: the method's own
  std::vector<std::pair<std::string, Method>> per_column;
  double drift_share = 0.5;
  bool strict = false;   // a non-number in a numeric column is an error
  unsigned threads = 0;  // 0: every core
};

struct ColumnResult {
  std::string name;
  ColumnType type = ColumnType::numerical;
  std::string stattest;  // Evidently's name: "K-S p_value", "Wasserstein distance (normed)", ...
  Method method = Method::ks;
  double threshold = 0;
  double drift_score = 0;  // what is compared with the threshold
  double statistic = 0;
  std::optional<double> p_value;
  bool drift_detected = false;
  const char* comparator = "";     // "<=", "<" or ">="
  const char* log_base = nullptr;  // "e" for entropy-based scores, else none
  std::uint64_t n_ref = 0, n_cur = 0;
  std::uint64_t missing_ref = 0, missing_cur = 0;
  std::uint64_t unparsable_ref = 0, unparsable_cur = 0;
  std::string skipped;  // why no test ran (all missing, free text); empty when tested
  // Pre-binned histograms for the HTML report: shared bin labels, then counts per side.
  std::vector<std::string> bins;
  std::vector<double> hist_ref, hist_cur;
  // Computed from a KLL sketch (a reference profile's column, --max-memory): the sketches'
  // normalized rank error (99%, both sides added) and, where it follows from it, the range
  // of drift_score that error allows. 0 and none when exact.
  double rank_error = 0;
  std::optional<double> score_low, score_high;
};

struct Report {
  std::vector<ColumnResult> columns;    // in file order
  std::uint64_t number_of_columns = 0;  // columns tested
  std::uint64_t number_of_drifted_columns = 0;
  double share_of_drifted_columns = 0;
  bool dataset_drift = false;
  double drift_share = 0.5;
  std::uint64_t rows_ref = 0, rows_cur = 0;
  std::string reference, current;
};

// Compares the columns of two tables. Errors: usage (unknown --columns/--exclude/per-column
// name, no column left), invalid_input (header mismatch, listing missing and extra columns;
// --strict and a non-number in a numeric column).
MLOPS_API Report compare(Table& reference, Table& current, const Options& options);
// Reads both files (at the same time) and compares them.
MLOPS_API Report compare_files(const std::string& reference, const std::string& current, const Options& options,
                               const CsvOptions& csv = {});

// Renderings of a report: JSON (schema_version 1), Markdown (at most max_chars), JUnit XML,
// one self-contained HTML page, and a plain table.
MLOPS_API std::string to_json(const Report& report);
MLOPS_API std::string to_markdown(const Report& report, std::size_t max_chars = 65536);
MLOPS_API std::string to_junit(const Report& report);
MLOPS_API std::string to_html(const Report& report);
MLOPS_API std::string to_table(const Report& report);

}  // namespace mlops::drift
