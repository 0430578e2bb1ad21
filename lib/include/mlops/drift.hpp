// SPDX-License-Identifier: MIT
// Data drift: two CSV files (reference and current) read column by column, and per column a
// statistical test whose numbers equal scipy's, chosen by Evidently's default rules unless
// told otherwise. docs/formats.md ("Drift report") describes the JSON form of a Report.
#pragma once

#include <mlops/api.hpp>
#include <mlops/progress.hpp>

#include <cstdint>
#include <functional>
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
  // Time windows: each row goes to the part (Table::parts) `split` names for the cell of
  // column `split_column` (none: an empty cell) and the row's index (0-based); nullopt drops
  // the row and counts it
  // (Table::unsplit). At most max_parts parts (invalid_input beyond).
  std::string split_column;
  std::function<std::optional<std::int64_t>(std::string_view cell, std::uint64_t row)> split;
  std::size_t max_parts = 10000;
  // Columns whose cells are kept row by row (a model's prediction and target): Table::kept.
  std::vector<std::string> keep_cells;
  // Keep a column of plain decimals as integers (Column::scaled) while it is one; ignored with
  // max_number_bytes. Only compare() reads such columns (to_doubles() turns one back).
  bool scaled = false;
};

// A kept column's cells, one per row: the number (NaN when not one) and a label id into
// Kept::labels (k_no_label when missing; numbers are labelled by their shortest spelling).
struct Kept {
  static constexpr std::uint32_t k_no_label = 0xffffffffu;
  std::vector<double> numbers;
  std::vector<std::uint32_t> label_ids;
  std::vector<std::string> labels;  // shared by the parts of a table (in the main table)
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
  // CsvOptions::scaled: while scale >= 0, every number of the column was a plain decimal
  // (-?digits[.digits]) with at most `scale` <= 9 digits after the point, and the numbers are
  // kept here, in file order, as the integers k = x * 10^scale (|k| < 2^31), `numbers` empty.
  // x is then exactly k / 10^scale as a double (both exact, one rounding, as the reader
  // divides), and distinct k are distinct doubles in the same order: sorting and the K-S walk
  // can work on k. negative_zeros: the indexes of "-0.0" cells (k = 0), so that the doubles
  // come back bit for bit.
  int scale = -1;
  std::vector<std::int32_t> scaled;
  std::vector<std::uint64_t> negative_zeros;
};

// A column's scaled integers (Column::scale >= 0) back to doubles in `numbers`, the same bits
// as the reader would have stored; nothing to do otherwise.
MLOPS_API void to_doubles(Column& c);
// Rescales a scaled column to `scale` (>= its own): false, and nothing changed, when some
// integer would not fit in 32 bits.
MLOPS_API bool rescale(Column& c, int scale);
// The double of a scaled column's i-th number (as to_doubles() makes it).
MLOPS_API double scaled_value(const Column& c, std::size_t i);
// Sorts a scaled column's integers ascending (negative_zeros then index the first zeros, where
// sort_values puts -0.0), as sort_values sorts the doubles.
MLOPS_API void sort_scaled(Column& c);

struct Table {
  std::string source;  // the path as given ("-" for standard input)
  std::vector<Column> columns;
  std::uint64_t rows = 0;
  std::vector<Kept> kept;  // per CsvOptions::keep_cells name
  // With CsvOptions::split: the parts (their keys in part_keys, ascending), and the rows
  // dropped, with the first one's line and cell.
  std::vector<Table> parts;
  std::vector<std::int64_t> part_keys;
  std::uint64_t unsplit = 0, first_unsplit_line = 0;
  std::string first_unsplit;
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

// scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto'), or method='asymp' when
// `asymptotic` (alibi-detect's call). Sorts both inputs.
MLOPS_API TestResult ks_2samp(std::vector<double>& a, std::vector<double>& b, bool asymptotic = false);
// ks_2samp on two sorted scaled columns (Column::scaled, the same scale): the same numbers as on
// their doubles. Needs n1 * n2 <= 2^50 (false otherwise, and `out` is not set): then two points
// of the walk whose CDF differences differ as real numbers also differ as doubles.
MLOPS_API bool ks_2samp_scaled(const Column& a, const Column& b, TestResult& out);
// ks_2samp's p-value for a statistic d of samples of n1 and n2 values (d as scipy rounds it).
MLOPS_API TestResult ks_pvalue(double d, std::uint64_t n1, std::uint64_t n2, bool asymptotic = false);
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
// numpy.histogram_bin_edges(x, bins='doane') (NannyML's bins, fit on the reference).
MLOPS_API std::vector<double> doane_edges(const std::vector<double>& x);
// Cramér's V of the 2×k table [row0; row1] from the uncorrected Pearson chi-square
// (scipy.stats.contingency.association(table, method='cramer')).
MLOPS_API double cramers_v(const std::vector<double>& row0, const std::vector<double>& row1);
// numpy.histogram(x, edges)[0]: half-open bins, the last one closed.
MLOPS_API std::vector<double> histogram(const std::vector<double>& x, const std::vector<double>& edges);

// ---- drift ----

// chi2_contingency: the presets' categorical test (not a --method).
enum class Method { auto_, ks, chisquare, z, psi, jensenshannon, wasserstein, kl, chi2_contingency };
MLOPS_API const char* to_string(Method m) noexcept;
MLOPS_API std::optional<Method> parse_method(std::string_view name) noexcept;

enum class ColumnType { numerical, categorical, text };
MLOPS_API const char* to_string(ColumnType t) noexcept;

// Whose rules pick the tests and thresholds (docs/formats.md "Drift report", presets).
enum class Preset { evidently, nannyml, alibi, mlops };
MLOPS_API const char* to_string(Preset p) noexcept;
MLOPS_API std::optional<Preset> parse_preset(std::string_view name) noexcept;

// Multiple-testing correction of the columns' p-values.
enum class Correction { none, bonferroni, bh };
MLOPS_API const char* to_string(Correction c) noexcept;
MLOPS_API std::optional<Correction> parse_correction(std::string_view name) noexcept;
// Adjusted p-values, in the input's order: Bonferroni min(1, n·p); Benjamini-Hochberg
// min over j >= rank of n·p_(j)/j, capped at 1 (statsmodels' multipletests 'fdr_bh').
// NaN entries are not counted in n and stay NaN.
MLOPS_API std::vector<double> adjust_p_values(const std::vector<double>& p, Correction c);

// A column's type set by hand (--types FILE); no type: leave the column out.
struct TypeOverride {
  std::string column;
  std::optional<ColumnType> type;
  std::string where;  // file:line, for errors
};
// Reads a YAML or JSON mapping of column -> numerical|categorical|text|ignore. Errors:
// not_found (no file), invalid_input with file:line (not a mapping, an unknown type, a column
// named twice, a file over 1 MiB).
MLOPS_API std::vector<TypeOverride> read_types_file(const std::string& path);

// ---- time windows and model performance ----

// --window: "N" rows a window (file order), or a calendar span "Nh", "Nd", "Nw" (UTC; days from
// midnight, weeks from Monday). nullopt when malformed or N is 0 or too large.
struct WindowSpec {
  std::uint64_t rows = 0;    // > 0: rows a window
  std::int64_t seconds = 0;  // > 0: seconds a window
  std::int64_t origin = 0;   // window k starts at origin + k * seconds
};
MLOPS_API std::optional<WindowSpec> parse_window(std::string_view text) noexcept;
// ISO 8601 date (2024-03-01) or date-time (2024-03-01T12:30[:45[.123]], T or a space, zone Z,
// ±hh, ±hhmm or ±hh:mm; none: UTC) or Unix seconds (12345, 12345.6), years 1-9999, as Unix
// seconds (rounded down). nullopt for anything else.
MLOPS_API std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;
// 2024-03-01T00:00:00Z
MLOPS_API std::string format_timestamp(std::int64_t unix_seconds);

// A model's performance on one table from its kept prediction and target cells.
struct Performance {
  std::string task;                // "classification" or "regression"
  std::string metric_a, metric_b;  // accuracy and f1_macro, or mae and rmse
  double a = 0, b = 0;             // NaN without a usable row
  std::uint64_t rows = 0;          // rows with both cells usable
  std::uint64_t skipped = 0;       // rows with a missing cell (or, for regression, not a number)
};
// Classification: accuracy and macro F1 over the labels of both columns (scikit-learn's
// f1_score(average='macro'), 0 for a label with no true or predicted row). Regression: MAE and
// RMSE. Errors: invalid_input (more classes than CsvOptions::max_distinct_text).
// The labels are the main table's (a part's Kept has none of its own).
MLOPS_API Performance performance(const Kept& prediction, const Kept& target, const std::vector<std::string>& prediction_labels,
                                  const std::vector<std::string>& target_labels, const std::string& task);

struct Options {
  std::vector<std::string> columns;  // empty: every column
  std::vector<std::string> exclude;
  Method method = Method::auto_;
  std::optional<double> threshold;  // default: the method's own
  std::vector<std::pair<std::string, Method>> per_column;
  double drift_share = 0.5;
  bool strict = false;   // a non-number in a numeric column is an error
  unsigned threads = 0;  // 0: every core
  Preset preset = Preset::evidently;
  std::optional<Correction> correction;  // default: the preset's (mlops: bh, alibi: bonferroni, else none)
  std::vector<TypeOverride> types;       // --types: names must be columns (usage error otherwise)
  bool drift_share_given = false;        // alibi: the share rule instead of "any column"
  std::string timestamp;                 // --timestamp column (left out of the tests)
  std::string window;                    // --window spec ("" none)
  std::string prediction, target;        // model columns ("" none)
  std::string task;                      // classification, regression, "" to infer
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
  std::string skipped;                     // why no test ran (all missing, free text); empty when tested
  bool type_overridden = false;            // the type came from --types, not inference
  std::optional<double> p_value_adjusted;  // after the report's correction (none: the p-value)
  std::optional<double> effect_size;       // mlops preset: normed Wasserstein or Cramér's V
  const char* effect_size_name = nullptr;
  double effect_threshold = 0;
  // Pre-binned histograms for the HTML report: shared bin labels, then counts per side.
  std::vector<std::string> bins;
  std::vector<double> hist_ref, hist_cur;
  // Computed from a KLL sketch (a reference profile's column, --max-memory): the sketches'
  // normalized rank error (99%, both sides added) and, where it follows from it, the range
  // of drift_score that error allows. 0 and none when exact.
  double rank_error = 0;
  std::optional<double> score_low, score_high;
};

struct Window;
struct ModelReport {
  std::string prediction, target;
  std::optional<Performance> reference, current;  // with a target
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
  Preset preset = Preset::evidently;
  Correction correction = Correction::none;
  bool dataset_drift_on_any = false;  // alibi: any drifted column is dataset drift
  std::optional<ModelReport> model;
  // With --window: one report per window (columns above empty), and the summary.
  std::string window, timestamp;
  std::vector<Window> windows;
  std::uint64_t unparsable_timestamps = 0;
  std::vector<std::pair<std::string, std::uint64_t>> windows_drifted_by_column;  // file order
};

struct Window {
  std::int64_t key = 0;
  std::string start, end;  // ISO UTC times, or first and last row numbers (1-based) for row windows
  Report report;
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
