// SPDX-License-Identifier: MIT
// mlops drift: compare a reference and a current CSV file column by column, and fail a CI
// step when the data drifted.
#include "commands.hpp"
#include "progress.hpp"

#include <mlops/drift.hpp>
#include <mlops/drift_profile.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

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
  std::string max_memory;
};

struct ProfileArgs {
  std::string data, output, max_memory;
  std::vector<std::string> merge;
  std::uint64_t exact_values = drift::ProfileOptions{}.exact_values;
};

// "512M", "2GiB", "1.5G", "1000000": bytes (K, M, G, T are powers of 1024).
std::uint64_t parse_size(const std::string& text) {
  std::size_t end = 0;
  double x = -1;
  try {
    x = std::stod(text, &end);
  } catch (const std::exception&) {
  }
  std::string unit = text.substr(std::min(end, text.size()));
  if (unit.size() > 1 && (unit.ends_with("iB") || unit.ends_with("B"))) unit.erase(unit.size() - (unit.ends_with("iB") ? 2 : 1));
  const std::string units = "KMGT";
  double scale = 1;
  if (unit.size() == 1 && units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])))) != std::string::npos)
    scale = std::pow(1024.0, 1 + static_cast<double>(units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))))));
  else if (!unit.empty()) x = -1;
  const double bytes = x * scale;
  if (!(x >= 0) || end == 0 || !(bytes >= 1024 * 1024) || bytes > 1e18 || !std::isdigit(static_cast<unsigned char>(text[0])))
    throw Error(ErrorKind::usage, "--max-memory wants a size of at least 1M, like 512M or 4G, got: " + escape_controls(text),
                "K, M, G and T are powers of 1024");
  return static_cast<std::uint64_t>(bytes);
}

// The progress line, for files big enough that reading them takes a while (ProgressLine
// itself draws none with NO_COLOR, without a terminal, -q or --json).
constexpr std::uint64_t k_progress_min_bytes = std::uint64_t{32} << 20;
bool worth_a_progress_line(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (p != "-" && std::filesystem::is_regular_file(p, ec)) total += std::filesystem::file_size(p, ec);
  }
  return total >= k_progress_min_bytes;
}

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
  if (a.reference.empty() || a.current.empty())
    throw Error(ErrorKind::usage, "'mlops drift' needs --reference FILE and --current FILE", "see 'mlops drift --help'");
  drift::CsvOptions csv;
  if (!a.max_memory.empty()) csv.max_number_bytes = parse_size(a.max_memory);
  ProgressLine line(c.out, "drift");
  if (worth_a_progress_line({a.reference, a.current})) csv.progress = &line;
  const drift::Report report =
      with_progress(c, line, "no report was written", [&] { return drift::compare_files(a.reference, a.current, o, csv); });
  const std::string format = c.out.json() ? "json" : a.format;
  std::string text;
  if (format == "json") text = drift::to_json(report);
  else if (format == "md") text = drift::to_markdown(report);
  else if (format == "junit") text = drift::to_junit(report);
  else if (format == "html") text = drift::to_html(report);
  else text = drift::to_table(report);
  if (!a.output.empty() && a.output != "-") {
    fs::write_output_file(a.output, text);
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
  std::size_t sketched = 0;
  for (const auto& col : report.columns) {
    sketched += col.rank_error > 0 ? 1 : 0;
    if (col.unparsable_ref + col.unparsable_cur > 0)
      c.out.warn("column " + escape_controls(col.name) + ": " + std::to_string(col.unparsable_ref + col.unparsable_cur) +
                 " cells are not numbers and count as missing (--strict makes this an error)");
  }
  std::size_t columns = report.columns.size();
  if (!report.windows.empty()) {
    // Windows: a column counts once however many windows it was sketched in.
    const auto& first = report.windows.front().report.columns;
    columns = first.size();
    for (std::size_t k = 0; k < first.size(); ++k) {
      bool any_sketch = false;
      for (const auto& w : report.windows) any_sketch = any_sketch || (k < w.report.columns.size() && w.report.columns[k].rank_error > 0);
      sketched += any_sketch ? 1 : 0;
    }
  }
  if (sketched > 0)
    c.out.warn(std::to_string(sketched) + " of " + std::to_string(columns) +
               " columns were compared through a sketch (a reference profile's large columns, or --max-memory): their scores "
               "are approximate, with the error the report states");
  const bool any = report.number_of_drifted_columns > 0;
  if ((a.fail_on == "dataset" && report.dataset_drift) || (a.fail_on == "any" && any)) return 1;
  return 0;
}

int run_profile(const ProfileArgs& a, Context& c) {
  if (a.data.empty() == a.merge.empty())
    throw Error(ErrorKind::usage, "'mlops drift profile' takes DATA or --merge PROFILE..., one of the two",
                "mlops drift profile ref.csv -o ref.profile, or mlops drift profile --merge a.profile b.profile -o all.profile");
  if (a.merge.size() == 1) throw Error(ErrorKind::usage, "--merge wants two or more profiles, got one", "to copy a profile, copy the file");
  if (a.output.empty() || a.output == "-")
    throw Error(ErrorKind::usage, "'mlops drift profile' needs -o FILE (a profile is binary)", "see 'mlops drift profile --help'");
  drift::CsvOptions csv;
  if (!a.max_memory.empty()) csv.max_number_bytes = parse_size(a.max_memory);
  const std::vector<std::string> inputs = a.merge.empty() ? std::vector<std::string>{a.data} : a.merge;
  for (const std::string& in : inputs)
    if (std::error_code ec; in != "-" && std::filesystem::equivalent(in, a.output, ec))
      throw Error(ErrorKind::usage, "-o " + escape_controls(a.output) + " is also an input", "write the profile to another file");
  ProgressLine line(c.out, "drift profile");
  if (worth_a_progress_line(inputs)) csv.progress = &line;
  auto load = [&](const std::string& path) {
    return drift::is_profile(path) ? drift::read_profile(path, csv.max_number_bytes) : drift::read_csv(path, csv);
  };
  drift::Table table = with_progress(c, line, "no profile was written", [&] {
    csv.progress.phase("reading", 0);
    drift::Table t = load(inputs[0]);
    for (std::size_t i = 1; i < inputs.size(); ++i) {
      std::vector<drift::Table> two;
      two.push_back(std::move(t));
      two.push_back(load(inputs[i]));
      t = drift::merge_tables(two);
    }
    return t;
  });
  if (!a.merge.empty()) table.source = "merge of " + std::to_string(a.merge.size()) + " inputs";
  drift::ProfileOptions po;
  po.exact_values = a.exact_values;
  const std::string bytes = drift::profile_bytes(table, po);
  fs::write_output_file(a.output, bytes);
  // What the profile holds, read back (also a check that it reads).
  const drift::Table back = drift::parse_profile(bytes, a.output);
  std::size_t sketched = 0;
  for (const auto& col : back.columns) sketched += col.sketch ? 1 : 0;
  if (c.out.json()) {
    c.out.print_json({{"output", a.output},
                      {"rows", back.rows},
                      {"columns", back.columns.size()},
                      {"sketched_columns", sketched},
                      {"bytes", bytes.size()}});
  } else {
    c.out.status("wrote " + a.output + ": " + std::to_string(back.rows) + " rows, " + std::to_string(back.columns.size()) + " columns (" +
                 std::to_string(sketched) + " as a sketch), " + std::to_string(bytes.size()) + " bytes");
  }
  return 0;
}

}  // namespace

void setup_drift(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<DriftArgs>();
  // Not ->required(): `mlops drift profile` needs neither.
  cmd.add_option("--reference", a->reference,
                 "Reference data: a CSV file (.gz/.zst too), - for standard input, or a profile (mlops drift profile)")
      ->type_name("FILE");
  cmd.add_option("--current", a->current, "Current data to compare with the reference (CSV, .gz/.zst, -)")->type_name("FILE");
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
  cmd.add_option("--max-memory", a->max_memory, "Keep at most SIZE of numbers (512M, 4G); past it columns go to a sketch")
      ->type_name("SIZE");
  cmd.footer(
      "\nExamples:\n"
      "  mlops drift --reference ref.csv --current cur.csv\n"
      "  mlops drift --reference ref.csv.gz --current cur.csv --format json --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --format html -o drift.html --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --method psi --per-column city=chisquare --fail-on never\n"
      "  mlops drift profile ref.csv -o ref.profile\n"
      "  mlops drift --reference ref.profile --current cur.csv --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --preset mlops --correction bonferroni --fail-on never\n"
      "  mlops drift --reference ref.csv --current cur.csv --window 100 --prediction y --fail-on never\n"
      "\nTests (auto): numeric columns with more than 5 values: K-S (p <= 0.05) up to 1000 reference\n"
      "values, normed Wasserstein (>= 0.1) above; fewer values and categories: chi-square (p < 0.05),\n"
      "z-test for 2 values (p < 0.05), Jensen-Shannon (>= 0.1, nats) above 1000 reference values.\n"
      "Presets: nannyml (Jensen-Shannon base 2, thresholds from reference chunks), alibi (asymptotic\n"
      "K-S, chi-square, Bonferroni, any drifted column), mlops (p-value and effect size, BH).\n"
      "Exit 1 when --fail-on trips (default: dataset drift), 0 otherwise.\n");
  CLI::App* prof = cmd.add_subcommand("profile", "Write a reference profile of a CSV file, or merge profiles");
  auto p = std::make_shared<ProfileArgs>();
  prof->add_option("DATA", p->data, "The data to profile: a CSV file (.gz/.zst too) or - for standard input")->type_name("FILE");
  prof->add_option("--merge", p->merge, "Merge these profiles (or CSV files) into one")->type_name("FILE");
  prof->add_option("-o,--output", p->output, "Write the profile to FILE (atomically)")->type_name("FILE");
  prof->add_option("--exact-values", p->exact_values, "Keep a column's exact values up to N distinct ones; a sketch beyond")
      ->type_name("N")
      ->check(CLI::Range(std::uint64_t{1}, drift::k_profile_max_exact_values))
      ->capture_default_str();
  prof->add_option("--max-memory", p->max_memory, "Keep at most SIZE of numbers while reading (512M, 4G)")->type_name("SIZE");
  prof->footer(
      "\nExamples:\n"
      "  mlops drift profile ref.csv -o ref.profile\n"
      "  mlops drift profile cur.csv -o cur.profile\n"
      "  mlops drift profile --merge ref.profile cur.profile -o both.profile\n"
      "  mlops drift --reference ref.profile --current cur.csv --fail-on never\n"
      "\nA profile keeps per column its type, counts, exact values (up to --exact-values distinct ones) or a KLL\n"
      "sketch beyond, a histogram and category counts; drift results from a sketch state their error.\n");
  prof->callback([p, &ctx] { ctx.action = [p](Context& c) { return run_profile(*p, c); }; });
  cmd.callback([a, prof, &ctx] {
    if (prof->parsed()) return;  // the subcommand's action stands
    ctx.action = [a](Context& c) { return run_drift(*a, c); };
  });
}

}  // namespace mlops::cli
