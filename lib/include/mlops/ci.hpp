// SPDX-License-Identifier: MIT
// Continuous delivery: quality gates on a run (`mlops check`) and what CI shows of them
// (Markdown for a pull request or the job summary, JUnit XML, JSON). docs/formats.md
// describes the gates: section of mlops.yaml and the JSON document.
#pragma once

#include <mlops/api.hpp>
#include <mlops/package.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlops::ci {

namespace stdfs = std::filesystem;

struct GateResult {
  std::string field;      // metrics.accuracy; for an expression, the one field it reads ("" for several)
  std::string kind;       // min, max, max_drop, max_rise, max_drop_pct, max_rise_pct, expression
  std::string condition;  // ">= 0.9", "drop <= 0.01", "rise <= 10%"; the expression itself for one
  std::string source;     // "mlops.yaml:5", or "argument 2"
  std::optional<double> value, baseline, threshold;
  std::string status;  // pass, fail, skip
  std::string reason;  // why it failed or was skipped ("" when it passed)
};

// What was checked, or compared with: a run, or the metrics files of a revision.
struct Subject {
  std::string label;   // the run's name, or the revision as given
  std::string run_id;  // "" for a revision's files
  std::string commit;  // the run commit, or the revision's commit
};

struct CheckResult {
  Subject run;
  std::optional<Subject> baseline;
  std::vector<GateResult> gates;
  MLOPS_API std::size_t failed() const;
  bool passed() const { return failed() == 0; }
};

struct CheckOptions {
  std::string run;                       // RUN (id, name or prefix); "" = the newest run of HEAD's history
  std::string rev;                       // --rev: a revision's newest run, else its metrics files
  std::string against;                   // --against RUN|REV: the baseline of max_drop & co
  std::vector<std::string> expressions;  // in the `exp list --filter` language
};

// The gates of mlops.yaml and the expressions, evaluated. Error{usage} for a malformed gates:
// section (FILE:LINE), an unknown metric (naming those that exist) or no gate at all;
// Error{not_found} for an unknown run or revision, or a baseline with no metrics.
MLOPS_API CheckResult check(const stdfs::path& cwd, const CheckOptions& options);

MLOPS_API nlohmann::json to_json(const CheckResult& result);
// One summary line, then a GitHub-flavoured table.
MLOPS_API std::string to_markdown(const CheckResult& result);
MLOPS_API std::string summary_line(const CheckResult& result);
MLOPS_API std::string to_junit(const CheckResult& result);

// ---- report ----

struct ReportOptions {
  std::vector<std::string> runs;  // RUN...; none: --rev, else the newest run of HEAD's history
  std::string rev;
  std::string against;        // baseline of the deltas and of the gates
  stdfs::path store;          // the package store whose packages name these runs (lineage)
  std::string format = "md";  // md, html or json
};
// GitHub's limit on a pull request comment: the Markdown report stays within it.
inline constexpr std::size_t k_comment_cap = 65536;
struct ReportOutput {
  std::string text;      // in the format asked for
  std::string markdown;  // the Markdown (for the step summary), whatever the format
};
// Params and metrics with deltas against the baseline, the curves of the step series (HTML:
// inline SVG, no script, nothing fetched), the gates of mlops.yaml, the packages built from
// each run and whether they are signed.
MLOPS_API ReportOutput report(const stdfs::path& cwd, const ReportOptions& options);

// GitHub's limit on one step's summary file.
inline constexpr std::size_t k_step_summary_cap = std::size_t{1} << 20;
// Appends `markdown` to the file $GITHUB_STEP_SUMMARY names, in one write: when the file would
// pass the cap, `fallback` (a shorter text) instead, else nothing. A short write is undone.
// Returns a warning for the user, or "".
MLOPS_API std::string append_step_summary(const stdfs::path& file, const std::string& markdown, const std::string& fallback);

// ---- ci init ----

// The run's gates (mlops.yaml's gates:, no baseline) as a model card lists them; empty when
// mlops.yaml has none. Errors as check's.
MLOPS_API std::vector<package::CardGate> card_gates(const stdfs::path& cwd, const std::string& run);

struct WorkflowOptions {
  std::string provider;         // github or gitlab
  std::string schedule;         // a 5-field cron line for scheduled retraining, or ""
  std::string branch = "main";  // the branch whose runs are packaged and pushed
  std::string python = "3.11";
  bool force = false;  // replace an existing workflow file
  // Set by init_workflow from the disk: the project's directory relative to the repository
  // root ("" at the root; a monorepo's workflow runs its steps there), and whether mlops.yaml
  // has pipeline stages (a scheduled run then retrains with `mlops repro --pull`).
  std::string project_dir;
  bool has_stages = false;
};
// .github/workflows/mlops.yml or .gitlab-ci.yml; Error{usage} for another provider.
MLOPS_API std::string workflow_path(const std::string& provider);
// Error{usage} unless five fields (minute hour day-of-month month day-of-week) of numbers,
// ranges, lists and steps within their ranges.
MLOPS_API void validate_cron(const std::string& cron);
// The workflow's text; Error{usage} for a bad provider, cron, branch or Python version.
MLOPS_API std::string workflow_text(const WorkflowOptions& options);
// Writes it atomically at the root of the git repository holding the project (or cwd outside
// a project), with the project's directory set when it is below that root; Error{conflict}
// when the file exists and !force; Error{invalid_input} for a project directory name a
// workflow cannot hold. Returns the path written.
MLOPS_API stdfs::path init_workflow(const stdfs::path& cwd, const WorkflowOptions& options);

}  // namespace mlops::ci
