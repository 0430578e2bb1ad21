// SPDX-License-Identifier: MIT
// mlops drift: compare a reference and a current CSV file column by column, and fail a CI
// step when the data drifted.
#include "commands.hpp"

#include <mlops/drift.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <memory>

namespace mlops::cli {
namespace {

struct DriftArgs {
  std::string reference, current, method = "auto", fail_on = "dataset", format = "table", output;
  std::string preset = "evidently", correction, types;
  std::string timestamp, window, prediction, target, task;
  bool drift_share_given = false;
  std::vector<std::string> columns, exclude, per_column;
  double threshold = -1;
  double drift_share = 0.5;
  bool strict = false;
};

int run_drift(const DriftArgs& a, Context& c) {
  drift::Options o;
  o.columns = a.columns;
  o.exclude = a.exclude;
  o.method = *drift::parse_method(a.method);  // IsMember checked it
  if (a.threshold >= 0) o.threshold = a.threshold;
  o.drift_share = a.drift_share;
  o.strict = a.strict;
  o.preset = *drift::parse_preset(a.preset);  // IsMember checked it
  if (!a.correction.empty()) o.correction = drift::parse_correction(a.correction);
  o.drift_share_given = a.drift_share_given;
  if (!a.types.empty()) o.types = drift::read_types_file(a.types);
  o.timestamp = a.timestamp;
  o.window = a.window;
  o.prediction = a.prediction;
  o.target = a.target;
  o.task = a.task;
  for (const std::string& pc : a.per_column) {
    const auto eq = pc.rfind('=');
    const auto m = eq == std::string::npos ? std::nullopt : drift::parse_method(pc.substr(eq + 1));
    if (eq == std::string::npos || eq == 0 || !m)
      throw Error(ErrorKind::usage, "--per-column wants COLUMN=METHOD, got: " + escape_controls(pc),
                  "METHOD is one of auto, ks, chisquare, z, psi, jensenshannon, wasserstein, kl");
    o.per_column.emplace_back(pc.substr(0, eq), *m);
  }
  const drift::Report report = drift::compare_files(a.reference, a.current, o);
  const std::string format = c.out.json() ? "json" : a.format;
  std::string text;
  if (format == "json") text = drift::to_json(report);
  else if (format == "md") text = drift::to_markdown(report);
  else if (format == "junit") text = drift::to_junit(report);
  else if (format == "html") text = drift::to_html(report);
  else text = drift::to_table(report);
  if (!a.output.empty() && a.output != "-") {
    fs::write_file_atomic(a.output, text);
    c.out.status("wrote " + a.output);
  } else {
    c.out.print(text);
  }
  if (report.unparsable_timestamps > 0)
    c.out.warn(std::to_string(report.unparsable_timestamps) + " rows of " + escape_controls(report.current) +
               " have no usable timestamp in column " + escape_controls(report.timestamp) +
               " and are left out (--strict makes this an error)");
  std::size_t small_windows = 0;
  for (const auto& w : report.windows) small_windows += w.report.rows_cur < 30 ? 1 : 0;
  if (small_windows > 0)
    c.out.warn(
        std::to_string(small_windows) + " of " + std::to_string(report.windows.size()) +
        " windows have fewer than 30 rows: their p-values have little power and their distances are noisy (choose a wider --window)");
  for (const auto& col : report.columns) {
    if (col.unparsable_ref + col.unparsable_cur > 0)
      c.out.warn("column " + escape_controls(col.name) + ": " + std::to_string(col.unparsable_ref + col.unparsable_cur) +
                 " cells are not numbers and count as missing (--strict makes this an error)");
  }
  const bool any = report.number_of_drifted_columns > 0;
  if ((a.fail_on == "dataset" && report.dataset_drift) || (a.fail_on == "any" && any)) return 1;
  return 0;
}

}  // namespace

void setup_drift(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<DriftArgs>();
  cmd.add_option("--reference", a->reference, "Reference data: a CSV file (.gz/.zst too), - for standard input")
      ->type_name("FILE")
      ->required();
  cmd.add_option("--current", a->current, "Current data to compare with the reference (CSV, .gz/.zst, -)")->type_name("FILE")->required();
  cmd.add_option("--columns", a->columns, "Compare only these columns")->type_name("COLUMN")->delimiter(',');
  cmd.add_option("--exclude", a->exclude, "Leave these columns out")->type_name("COLUMN")->delimiter(',');
  cmd.add_option("--method", a->method, "Test for every column (default auto: Evidently's rules)")
      ->check(CLI::IsMember({"auto", "ks", "chisquare", "z", "psi", "jensenshannon", "wasserstein", "kl"}))
      ->capture_default_str();
  cmd.add_option("--threshold", a->threshold, "Threshold for every column (default: the test's own)")
      ->type_name("X")
      ->check(CLI::Range(0.0, 1e300));
  cmd.add_option("--per-column", a->per_column, "Test for one column, COLUMN=METHOD (repeatable)")->type_name("COLUMN=METHOD");
  cmd.add_option("--drift-share", a->drift_share, "Dataset drift when at least this share of columns drifted")
      ->type_name("SHARE")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str()
      ->each([a](const std::string&) { a->drift_share_given = true; });
  cmd.add_option("--preset", a->preset, "Rules: evidently (auto), nannyml, alibi, or mlops (p-value, effect size, correction)")
      ->check(CLI::IsMember({"evidently", "nannyml", "alibi", "mlops"}))
      ->capture_default_str();
  cmd.add_option("--correction", a->correction, "Multiple-testing correction of p-values: bh, bonferroni or none (default: the preset's)")
      ->check(CLI::IsMember({"bh", "bonferroni", "none"}));
  cmd.add_option("--timestamp", a->timestamp, "Column of the current data's times, for --window")->type_name("COLUMN");
  cmd.add_option("--window", a->window, "Check each window of the current data: N rows, or Nh, Nd, Nw of --timestamp")
      ->type_name("N|Nh|Nd|Nw");
  cmd.add_option("--prediction", a->prediction, "The model's prediction column (its drift; with --target, performance)")
      ->type_name("COLUMN");
  cmd.add_option("--target", a->target, "The label column: accuracy/F1 or MAE/RMSE on reference and current")->type_name("COLUMN");
  cmd.add_option("--task", a->task, "classification or regression (default: regression when the labels have fractions)")
      ->check(CLI::IsMember({"classification", "regression"}));
  cmd.add_option("--types", a->types, "YAML/JSON file: column -> numerical, categorical, text or ignore")->type_name("FILE");
  cmd.add_option("--fail-on", a->fail_on, "Exit 1 on: dataset drift, any drifted column, or never")
      ->check(CLI::IsMember({"dataset", "any", "never"}))
      ->capture_default_str();
  cmd.add_option("--format", a->format, "Output: table, json, md, html or junit")
      ->check(CLI::IsMember({"table", "json", "md", "html", "junit"}))
      ->capture_default_str();
  cmd.add_option("-o,--output", a->output, "Write the report to FILE (atomically) instead of stdout")->type_name("FILE");
  cmd.add_flag("--strict", a->strict, "A cell that is not a number in a numeric column is an error");
  cmd.footer(
      "\nExamples:\n"
      "  mlops drift --reference ref.csv --current cur.csv\n"
      "  mlops drift --reference ref.csv.gz --current cur.csv --format json --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --format html -o drift.html --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --method psi --per-column city=chisquare --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --preset mlops --correction bonferroni --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --window 100 --prediction y --fail-on never\n"
      "\nTests (auto): numeric columns with more than 5 values: K-S (p <= 0.05) up to 1000 reference\n"
      "values, normed Wasserstein (>= 0.1) above; fewer values and categories: chi-square (p < 0.05),\n"
      "z-test for 2 values (p < 0.05), Jensen-Shannon (>= 0.1, nats) above 1000 reference values.\n"
      "Presets: nannyml (Jensen-Shannon base 2, thresholds from reference chunks), alibi (asymptotic\n"
      "K-S, chi-square, Bonferroni, any drifted column), mlops (p-value and effect size, BH).\n"
      "Exit 1 when --fail-on trips (default: dataset drift), 0 otherwise.\n");
  cmd.callback([a, &ctx] { ctx.action = [a](Context& c) { return run_drift(*a, c); }; });
}

}  // namespace mlops::cli
