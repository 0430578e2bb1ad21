#!/usr/bin/env bash
# `mlops exp run` without a command runs the pipeline; when no stage runs (every one up to date,
# or restored from the run cache), the stages' metrics files predate the run, yet they are what
# the pipeline stands for (mlops.lock records them): the run records them, and `mlops check`
# needs no --rev. A command run still does not get an older metrics file credited.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
cat >>mlops.yaml <<'YAML'
gates:
  acc: {min: 1}
YAML
printf 'prepared.csv\nmodel.bin\nmetrics.json\nruns.log\n' >.gitignore
git add -A && git commit -qm pipeline

expect_exit 0 mlops --json exp run -n first
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 1
expect_eq "$(runs_since 0)" "prepare train" "the first run ran both stages"
git add mlops.lock && git commit -qm lock

# Nothing changed: every stage is up to date, nothing is written.
mark=$(wc -l <runs.log)
expect_exit 0 mlops --json exp run -n again
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 1
expect_eq "$(runs_since "$mark")" "" "no stage ran"
expect_exit 0 mlops check
expect_contains "$TEST_DIR/out" "pass"

# A second clone with the same store: every stage restored from the run cache.
cd .. && git clone -q p q && cd q
expect_exit 0 mlops --json exp run -n clone
expect_contains "$TEST_DIR/err" "restored train"
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 1
expect_no_path runs.log
expect_exit 0 mlops check
expect_contains "$TEST_DIR/out" "pass"

# A command run: the metrics.json lying there is older than the run and not its own.
expect_exit 0 mlops --json exp run -n cmd -- true
expect_json "$TEST_DIR/out" '.[0].metrics | length' 0
expect_contains "$TEST_DIR/err" "metrics.json was not written by this run"
