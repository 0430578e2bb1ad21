// SPDX-License-Identifier: MIT
// `mlops ci init`: the CI workflow of a project, as text. The text is fixed but for a few
// validated values (the branch, the Python version, the cron line), so nothing a user types can
// change the YAML's structure; tests parse what comes out. The built-in template's CI question
// writes the same bytes (tests/e2e/ci_init_matches_template.sh keeps them equal).
#include "core/yaml_limits.hpp"
#include "exp/values.hpp"

#include <mlops/ci.hpp>
#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <charconv>
#include <regex>
#include <sstream>

namespace mlops::ci {
namespace {

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
}

// One cron field: *, N, N-M, with an optional /STEP, comma-separated; numbers only.
void check_cron_field(const std::string& field, const char* name, int lo, int hi, const std::string& cron) {
  const auto bad = [&](const std::string& why) {
    throw Error(ErrorKind::usage,
                "invalid --schedule '" + escape_controls(cron) + "': " + name + " field '" + escape_controls(field) + "': " + why,
                "five fields, minute hour day-of-month month day-of-week, e.g. '0 3 * * 1' (Mondays 03:00 UTC)");
  };
  const auto number = [&](const std::string& s) {
    int v = -1;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) bad("'" + escape_controls(s) + "' is not a number");
    return v;
  };
  std::stringstream items(field);
  std::string item;
  int count = 0;
  while (std::getline(items, item, ',')) {
    ++count;
    std::string range = item;
    if (const auto slash = item.find('/'); slash != std::string::npos) {
      range = item.substr(0, slash);
      const int step = number(item.substr(slash + 1));
      if (step < 1 || step > hi) bad("step " + std::to_string(step) + " is out of 1-" + std::to_string(hi));
    }
    if (range == "*") continue;
    const auto dash = range.find('-');
    const int a = number(range.substr(0, dash));
    const int b = dash == std::string::npos ? a : number(range.substr(dash + 1));
    for (const int v : {a, b})
      if (v < lo || v > hi) bad(std::to_string(v) + " is out of " + std::to_string(lo) + "-" + std::to_string(hi));
    if (a > b) bad("the range " + range + " runs backwards");
  }
  if (count == 0 || field.back() == ',') bad("empty list item");
}

// The project's directory relative to the repository root goes into YAML (double-quoted or
// inside a path) and shell text: only names neither could read differently (letters, digits,
// '.', '_', '-'; no component that is empty, '.', '..', or starts with '-' or '.').
void check_project_dir(const std::string& dir) {
  if (dir.empty()) return;
  static const std::regex component("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
  std::stringstream in(dir);
  std::string part;
  bool ok = dir.size() <= 1024 && dir.front() != '/' && dir.back() != '/';
  while (ok && std::getline(in, part, '/')) ok = std::regex_match(part, component) && part != "." && part != "..";
  if (!ok)
    throw Error(
        ErrorKind::invalid_input,
        "the project's directory '" + escape_controls(dir) + "' (from the repository root) has characters a workflow cannot hold unquoted",
        "rename it to letters, digits, '.', '_' and '-', or write the workflow from `mlops ci init` at the project root and edit its "
        "paths");
}

// mlops.yaml has a non-empty stages: section (read, not checked: `mlops repro` checks it).
bool has_stages(const stdfs::path& file) {
  std::error_code ec;
  if (!stdfs::is_regular_file(file, ec)) return false;
  try {
    const YAML::Node root = yaml::load(fs::read_regular_file(file, exp::k_max_project_file), "mlops.yaml");
    return root.IsMap() && root["stages"] && root["stages"].IsMap() && root["stages"].size() > 0;
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::usage, "mlops.yaml:" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

const char* const k_github = R"YAML(# mlops delivery workflow, written by `mlops ci init --provider github`.
# Pull requests: run the experiment, report it against the target branch (job summary and a
# comment on the pull request) and check the gates of mlops.yaml. Pushes to @BRANCH@@SCHEDULED@: also
# package the run, sign it and push it to the default remote of mlops.yaml.
# Repository settings it reads (Settings > Secrets and variables > Actions):
#   variable MLOPS_DEB_URL      where to download the mlops .deb (Debian 12 / Ubuntu 24.04)
#   secret MLOPS_SIGNING_KEY    the private key PEM of `mlops key generate` (unsigned without it)
@DRIFT_DOC@name: mlops

on:
  pull_request:
  push:
    branches: ["@BRANCH@"]
@SCHEDULE@  workflow_dispatch:

permissions:
  contents: write         # mlops exp push: runs of @BRANCH@ become the baselines of pull requests
  pull-requests: write    # the report as a comment

concurrency:
  group: mlops-${{ github.ref }}
  cancel-in-progress: true

env:
  NO_COLOR: "1"
  RUN_NAME: ci-${{ github.run_id }}-${{ github.run_attempt }}

jobs:
  mlops:
    runs-on: ubuntu-latest
@WORKDIR@    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "@PYTHON@"
      - name: Install mlops
        env:
          MLOPS_DEB_URL: ${{ vars.MLOPS_DEB_URL }}
        run: |
          if [ -z "$MLOPS_DEB_URL" ]; then
            echo "::error::set the repository variable MLOPS_DEB_URL to the URL of the mlops .deb"
            exit 1
          fi
          curl -fsSL --retry 3 -o "$RUNNER_TEMP/mlops.deb" "$MLOPS_DEB_URL"
          sudo apt-get install -y "$RUNNER_TEMP/mlops.deb"
          mlops version
      - name: Install the project
        run: |
          python -m pip install --upgrade pip
          if grep -qs torch pyproject.toml requirements.txt; then
            # The CPU-only wheel is a fraction of the default CUDA build's size.
            python -m pip install torch --index-url https://download.pytorch.org/whl/cpu
          fi
          if [ -f pyproject.toml ]; then
            python -m pip install -e ".[dev]"
          elif [ -f requirements.txt ]; then
            python -m pip install -r requirements.txt
          fi
      - name: Test
        run: if make -n test >/dev/null 2>&1; then make test PYTHON=python; fi
      - name: Run the experiment
@RUN_STEP@      - name: Report
        env:
          BASE_REF: ${{ github.base_ref }}
        run: |
          if [ -n "$BASE_REF" ] && git fetch --no-tags origin "$BASE_REF" &&
             mlops report "$RUN_NAME" --against "origin/$BASE_REF" -o mlops-report.md; then
            :
          else
            mlops report "$RUN_NAME" -o mlops-report.md
          fi
      - name: Comment on the pull request
        # A fork's pull request gets a read-only token: its report stays in the job summary.
        if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
        env:
          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
          PR_NUMBER: ${{ github.event.pull_request.number }}
        run: gh pr comment "$PR_NUMBER" --body-file mlops-report.md
      - name: Check the gates
        env:
          BASE_REF: ${{ github.base_ref }}
        run: |
          rc=0
          if [ -n "$BASE_REF" ]; then
            mlops check "$RUN_NAME" --against "origin/$BASE_REF" || rc=$?
          else
            mlops check "$RUN_NAME" || rc=$?
          fi
          if [ "$rc" -eq 3 ] && [ -n "$BASE_REF" ]; then
            echo "::warning::no baseline on $BASE_REF yet: only the gates that need none are checked"
            rc=0
            mlops check "$RUN_NAME" || rc=$?
          fi
          exit "$rc"
      - name: Package, sign and push
        if: github.event_name != 'pull_request' && github.ref == 'refs/heads/@BRANCH@'
        env:
          MLOPS_SIGNING_KEY: ${{ secrets.MLOPS_SIGNING_KEY }}
        run: |
          mlops package build --from-exp "$RUN_NAME" --json > mlops-package.json
          REF=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["ref"])' < mlops-package.json)
          if [ -n "$MLOPS_SIGNING_KEY" ]; then
            mlops package sign "$REF" --key env:MLOPS_SIGNING_KEY
          else
            echo "::warning::the secret MLOPS_SIGNING_KEY is not set: $REF is not signed"
          fi
          mlops push "$REF"
          mlops exp push origin
@DRIFT_STEP@      - uses: actions/upload-artifact@v4
        if: ${{ !cancelled() }}
        with:
          name: mlops-report
          path: |
            @DIR@mlops-report.md
            @DIR@mlops-package.json
          if-no-files-found: ignore
)YAML";

const char* const k_github_drift_doc =
    R"YAML(#   variables MLOPS_DRIFT_REFERENCE, MLOPS_DRIFT_CURRENT   CSV files for `mlops drift` on the
#                               scheduled runs (no drift check without them)
)YAML";

const char* const k_github_schedule = R"YAML(  schedule:
    - cron: "@CRON@"    # continuous training, UTC
)YAML";

const char* const k_github_drift = R"YAML(      - name: Drift
        if: github.event_name == 'schedule'
        env:
          REFERENCE: ${{ vars.MLOPS_DRIFT_REFERENCE }}
          CURRENT: ${{ vars.MLOPS_DRIFT_CURRENT }}
        run: |
          if [ -z "$REFERENCE" ] || [ -z "$CURRENT" ]; then
            echo "::notice::set MLOPS_DRIFT_REFERENCE and MLOPS_DRIFT_CURRENT to check for drift"
            exit 0
          fi
          mlops drift --reference "$REFERENCE" --current "$CURRENT" --format md -o mlops-drift.md
)YAML";

const char* const k_gitlab = R"YAML(# mlops delivery pipeline, written by `mlops ci init --provider gitlab`.
# Merge requests: run the experiment, report it against the target branch (a note on the merge
# request) and check the gates of mlops.yaml. Pipelines of @BRANCH@@SCHEDULED@: also package the run, sign
# it and push it to the default remote of mlops.yaml.
# CI/CD variables it reads (Settings > CI/CD > Variables):
#   MLOPS_DEB_URL        where to download the mlops .deb (Debian 12)
#   MLOPS_SIGNING_KEY    the private key of `mlops key generate`, as a File variable
#                        (unsigned without it)
#   MLOPS_GITLAB_TOKEN   optional, masked: a project access token (scope api) for the note,
#                        where the job token may not write notes
@DRIFT_DOC@
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == "@BRANCH@"

image: python:@PYTHON@-bookworm

variables:
  GIT_DEPTH: "0"
  NO_COLOR: "1"
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"
  RUN_NAME: ci-$CI_PIPELINE_ID-$CI_JOB_ID
@GL_PROJECT_DIR@
cache:
  paths: [.cache/pip]

mlops:
  script:
@GL_CD@    - |
      if [ -z "$MLOPS_DEB_URL" ]; then
        echo "set the CI/CD variable MLOPS_DEB_URL to the URL of the mlops .deb"
        exit 1
      fi
      curl -fsSL --retry 3 -o /tmp/mlops.deb "$MLOPS_DEB_URL"
      apt-get update -qq
      apt-get install -y -qq /tmp/mlops.deb
      mlops version
    - |
      python -m pip install --upgrade pip
      if grep -qs torch pyproject.toml requirements.txt; then
        # The CPU-only wheel is a fraction of the default CUDA build's size.
        python -m pip install torch --index-url https://download.pytorch.org/whl/cpu
      fi
      if [ -f pyproject.toml ]; then
        python -m pip install -e ".[dev]"
      elif [ -f requirements.txt ]; then
        python -m pip install -r requirements.txt
      fi
    - if make -n test >/dev/null 2>&1; then make test PYTHON=python; fi
    - mlops exp pull origin || echo "no runs on origin yet"
@GL_RUN@    - |
      BASE_REF="$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
      if [ -n "$BASE_REF" ] && git fetch --no-tags origin "$BASE_REF" &&
         mlops report "$RUN_NAME" --against "origin/$BASE_REF" -o mlops-report.md; then
        :
      else
        mlops report "$RUN_NAME" -o mlops-report.md
      fi
    - |
      if [ -n "$CI_MERGE_REQUEST_IID" ]; then
        NOTES="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"
        if [ -n "$MLOPS_GITLAB_TOKEN" ]; then
          AUTH="PRIVATE-TOKEN: $MLOPS_GITLAB_TOKEN"
        else
          AUTH="JOB-TOKEN: $CI_JOB_TOKEN"
        fi
        curl -fsS -o /dev/null --header "$AUTH" --data-urlencode "body@mlops-report.md" "$NOTES" ||
          echo "the note was refused: set MLOPS_GITLAB_TOKEN (the report is in the job's artifacts)"
      fi
    - |
      BASE_REF="$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
      rc=0
      if [ -n "$BASE_REF" ]; then
        mlops check "$RUN_NAME" --against "origin/$BASE_REF" || rc=$?
      else
        mlops check "$RUN_NAME" || rc=$?
      fi
      if [ "$rc" -eq 3 ] && [ -n "$BASE_REF" ]; then
        echo "no baseline on $BASE_REF yet: only the gates that need none are checked"
        rc=0
        mlops check "$RUN_NAME" || rc=$?
      fi
      mlops check "$RUN_NAME" --format junit > mlops-check.xml || true
      exit "$rc"
    - |
      if [ -z "$CI_MERGE_REQUEST_IID" ] && [ "$CI_COMMIT_BRANCH" = "@BRANCH@" ]; then
        mlops package build --from-exp "$RUN_NAME" --json > mlops-package.json
        REF=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["ref"])' < mlops-package.json)
        if [ -f "${MLOPS_SIGNING_KEY:-}" ]; then
          mlops package sign "$REF" --key "$MLOPS_SIGNING_KEY"
        elif [ -n "${MLOPS_SIGNING_KEY:-}" ]; then
          mlops package sign "$REF" --key env:MLOPS_SIGNING_KEY
        else
          echo "the CI/CD variable MLOPS_SIGNING_KEY is not set: $REF is not signed"
        fi
        mlops push "$REF"
        mlops exp push origin
      fi
@DRIFT_STEP@  artifacts:
    when: always
    paths: [@DIR@mlops-report.md, @DIR@mlops-package.json]
    reports:
      junit: @DIR@mlops-check.xml
)YAML";

const char* const k_gitlab_drift_doc = R"YAML(#   MLOPS_DRIFT_REFERENCE, MLOPS_DRIFT_CURRENT   CSV files for `mlops drift` on scheduled
#                        pipelines (no drift check without them)
# Continuous training: create a pipeline schedule (Build > Pipeline schedules) for @BRANCH@ with
# the interval "@CRON@" (GitLab keeps schedules in its settings, not in this file).
)YAML";

const char* const k_gitlab_drift = R"YAML(    - |
      if [ "$CI_PIPELINE_SOURCE" = schedule ]; then
        if [ -z "$MLOPS_DRIFT_REFERENCE" ] || [ -z "$MLOPS_DRIFT_CURRENT" ]; then
          echo "set MLOPS_DRIFT_REFERENCE and MLOPS_DRIFT_CURRENT to check for drift"
        else
          mlops drift --reference "$MLOPS_DRIFT_REFERENCE" --current "$MLOPS_DRIFT_CURRENT" --format md -o mlops-drift.md
        fi
      fi
)YAML";

// The experiment: `mlops exp run` (the train: command), except on a schedule in a project
// with pipeline stages, where it is `mlops exp run --pull` (the pipeline; stages whose outputs
// another machine already produced are pulled rather than run again, and their metrics are
// still the run's, so the gates check it).
const char* const k_github_run = R"YAML(        run: |
          mlops exp pull origin || echo "no runs on origin yet"
          mlops exp run -n "$RUN_NAME"
)YAML";

const char* const k_github_run_stages = R"YAML(        env:
          EVENT: ${{ github.event_name }}
        run: |
          mlops exp pull origin || echo "no runs on origin yet"
          if [ "$EVENT" = schedule ]; then
            # --pull: stage outputs another machine made come from the remote, where this mlops can
            pull=; if mlops exp run --help 2>/dev/null | grep -q -e --pull; then pull=1; fi
            mlops exp run -n "$RUN_NAME" ${pull:+--pull}
          else
            mlops exp run -n "$RUN_NAME"
          fi
)YAML";

const char* const k_gitlab_run = R"YAML(    - mlops exp run -n "$RUN_NAME"
)YAML";

const char* const k_gitlab_run_stages = R"YAML(    - |
      if [ "$CI_PIPELINE_SOURCE" = schedule ]; then
        # --pull: stage outputs another machine made come from the remote, where this mlops can
        pull=; if mlops exp run --help 2>/dev/null | grep -q -e --pull; then pull=1; fi
        mlops exp run -n "$RUN_NAME" ${pull:+--pull}
      else
        mlops exp run -n "$RUN_NAME"
      fi
)YAML";

// A project below the repository root (a monorepo): every step runs in its directory.
const char* const k_github_workdir = R"YAML(    defaults:
      run:
        working-directory: "@PROJECT_DIR@"
)YAML";
const char* const k_gitlab_project_dir = R"YAML(  MLOPS_PROJECT_DIR: "@PROJECT_DIR@"
)YAML";
const char* const k_gitlab_cd = R"YAML(    - cd "$CI_PROJECT_DIR/$MLOPS_PROJECT_DIR"
)YAML";

}  // namespace

void validate_cron(const std::string& cron) {
  std::vector<std::string> fields;
  std::stringstream in(cron);
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5)
    throw Error(ErrorKind::usage,
                "invalid --schedule '" + escape_controls(cron) + "': " + std::to_string(fields.size()) + " fields, cron has 5",
                "minute hour day-of-month month day-of-week, e.g. '0 3 * * 1' (Mondays 03:00 UTC)");
  struct Range {
    const char* name;
    int lo, hi;
  };
  static constexpr Range ranges[] = {{"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12}, {"day-of-week", 0, 6}};
  for (std::size_t i = 0; i < 5; ++i) check_cron_field(fields[i], ranges[i].name, ranges[i].lo, ranges[i].hi, cron);
}

std::string workflow_path(const std::string& provider) {
  if (provider == "github") return ".github/workflows/mlops.yml";
  if (provider == "gitlab") return ".gitlab-ci.yml";
  throw Error(ErrorKind::usage, "unknown CI provider '" + provider + "'", "github or gitlab");
}

std::string workflow_text(const WorkflowOptions& o) {
  (void)workflow_path(o.provider);
  static const std::regex branch_re("[A-Za-z0-9][A-Za-z0-9._/-]{0,99}");
  if (!std::regex_match(o.branch, branch_re) || o.branch.find("..") != std::string::npos)
    throw Error(ErrorKind::usage, "invalid --branch '" + escape_controls(o.branch) + "'", "a branch name such as main");
  static const std::regex python_re("[0-9]{1,2}(\\.[0-9]{1,3})?");
  if (!std::regex_match(o.python, python_re))
    throw Error(ErrorKind::usage, "invalid --python '" + escape_controls(o.python) + "'", "a version such as 3.11");
  check_project_dir(o.project_dir);
  const bool scheduled = !o.schedule.empty();
  if (scheduled) validate_cron(o.schedule);
  const bool github = o.provider == "github";
  std::string text = github ? k_github : k_gitlab;
  replace_all(text, "@DRIFT_DOC@", scheduled ? (github ? k_github_drift_doc : k_gitlab_drift_doc) : "");
  replace_all(text, "@DRIFT_STEP@", scheduled ? (github ? k_github_drift : k_gitlab_drift) : "");
  replace_all(text, "@SCHEDULE@", scheduled && github ? k_github_schedule : "");
  replace_all(text, "@SCHEDULED@", scheduled ? " and scheduled runs" : "");
  const bool repro = scheduled && o.has_stages;
  replace_all(text, "@RUN_STEP@", github ? (repro ? k_github_run_stages : k_github_run) : "");
  replace_all(text, "@GL_RUN@", github ? "" : (repro ? k_gitlab_run_stages : k_gitlab_run));
  const bool sub = !o.project_dir.empty();
  replace_all(text, "@WORKDIR@", sub && github ? k_github_workdir : "");
  replace_all(text, "@GL_PROJECT_DIR@", sub && !github ? k_gitlab_project_dir : "");
  replace_all(text, "@GL_CD@", sub && !github ? k_gitlab_cd : "");
  replace_all(text, "@DIR@", sub ? o.project_dir + "/" : "");
  replace_all(text, "@PROJECT_DIR@", o.project_dir);
  replace_all(text, "@CRON@", o.schedule);
  replace_all(text, "@BRANCH@", o.branch);
  replace_all(text, "@PYTHON@", o.python);
  return text;
}

stdfs::path init_workflow(const stdfs::path& cwd, const WorkflowOptions& options) {
  WorkflowOptions o = options;
  const stdfs::path project = stdfs::absolute(config::find_project_root(cwd).value_or(cwd)).lexically_normal();
  // The CI service reads the file at the repository's root: the nearest directory at or above
  // the project holding .git (the project's own directory without git).
  stdfs::path root = project;
  std::error_code gec;
  for (stdfs::path dir = project; !dir.empty(); dir = dir.parent_path()) {
    if (stdfs::exists(stdfs::symlink_status(dir / ".git", gec))) {
      root = dir;
      break;
    }
    if (dir == dir.parent_path()) break;
  }
  o.project_dir = project == root ? "" : project.lexically_relative(root).generic_string();
  o.has_stages = has_stages(project / "mlops.yaml");
  const std::string text = workflow_text(o);
  const stdfs::path target = root / workflow_path(o.provider);
  std::error_code ec;
  const auto st = stdfs::symlink_status(target, ec);
  if (!ec && stdfs::exists(st)) {
    if (!o.force) throw Error(ErrorKind::conflict, workflow_path(o.provider) + " exists already", "--force replaces it");
    if (!stdfs::is_regular_file(st))
      throw Error(ErrorKind::conflict, workflow_path(o.provider) + " is not a regular file: not replaced", "remove it first");
  }
  // A repository's .github may be a symlink: the file goes inside the repository or nowhere.
  std::error_code ec1, ec2;
  const stdfs::path real = stdfs::weakly_canonical(target.parent_path(), ec1), real_root = stdfs::weakly_canonical(root, ec2);
  const std::string rel = real.lexically_relative(real_root).generic_string();
  if (ec1 || ec2 || rel.empty() || rel == ".." || rel.starts_with("../"))
    throw Error(ErrorKind::invalid_input, workflow_path(o.provider) + " leads outside the repository through a symlink: not written",
                "remove the symlink first");
  stdfs::create_directories(target.parent_path(), ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + target.parent_path().string() + ": " + ec.message());
  fs::write_file_atomic(target, text);
  return target;
}

}  // namespace mlops::ci
