#!/usr/bin/env bash
# `mlops exp run` with no command runs the pipeline (mlops repro) and records the run; a sweep
# of two points at once shares the run cache: `prepare`, which no point changes, runs once,
# and the other point restores its output instead of running it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

log="$TEST_DIR/runs.log"
git init -q -b main p && cd p
printf 'n: 3\nlr: 0.1\n' >params.yaml
printf 'b\na\n' >raw.csv
cat >mlops.yaml <<YAML
params: [params.yaml]
metrics: [metrics.json]
stages:
  prepare:
    cmd: echo prepare >> $log && sleep 1 && sort -u raw.csv > prepared.csv
    deps: [raw.csv]
    params: [n]
    outs: [prepared.csv]
  train:
    cmd: echo train >> $log && ./train.sh
    deps: [prepared.csv, train.sh]
    params: [lr]
    outs: [model.bin]
    metrics: [metrics.json]
YAML
# shellcheck disable=SC2016  # a literal ${...} or $(...): for mlops or the stage shell, not this one
printf '#!/bin/sh\ncat prepared.csv > model.bin\necho "{\\"lr\\": $(grep lr params.yaml | cut -d" " -f2)}" > metrics.json\n' >train.sh
chmod +x train.sh
printf 'prepared.csv\nmodel.bin\nmetrics.json\n' >.gitignore
git add -A && git commit -qm pipeline

# One run in the workspace: the pipeline, recorded with its metrics.
expect_exit 0 mlops --json exp run -n first
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].argv[1]' repro
expect_json "$TEST_DIR/out" '.[0].metrics.lr.last' 0.1
expect_eq "$(sort "$log" | tr '\n' ' ')" "prepare train " "the first run"

# A sweep of two points at once, each in its own worktree.
: >"$log"
expect_exit 0 mlops --json exp run -S lr=0.2,0.3 --jobs 2
expect_json "$TEST_DIR/out" '[.[] | .status] | join(",")' completed,completed
expect_json "$TEST_DIR/out" '[.[] | .metrics.lr.last] | sort | map(tostring) | join(",")' 0.2,0.3
expect_eq "$(sort "$log" | tr '\n' ' ')" "train train " "prepare restored from the run cache in both points"

# New data: both points need the new prepare at the same time; one runs it, the other waits
# for it and restores its output.
echo c >>raw.csv
git commit -qam "more data"
: >"$log"
expect_exit 0 mlops --json exp run -S lr=0.4,0.5 --jobs 2
expect_json "$TEST_DIR/out" '[.[] | .status] | join(",")' completed,completed
expect_eq "$(sort "$log" | tr '\n' ' ')" "prepare train train " "prepare ran once for the two points"

# Without stages, COMMAND is still required.
git init -q ../q && cd ../q
expect_exit 2 mlops exp run
expect_clean_error
expect_contains "$TEST_DIR/err" "needs COMMAND"
