#!/usr/bin/env bash
# A metrics file the command did not write (left by an earlier run) is not recorded; the user is told which file, and the record has no warning about it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"acc": 0.99}' >metrics.json
touch -d '1 hour ago' metrics.json
expect_exit 0 mlops exp run -n stale -- sh -c 'echo not writing metrics'
expect_contains "$TEST_DIR/err" "metrics.json was not written by this run"
expect_exit 0 mlops --json exp show stale
expect_json "$TEST_DIR/out" '.metrics | length' 0
expect_json "$TEST_DIR/out" '.warnings | length' 0
expect_eq "$(git show "$(jq -r .commit "$TEST_DIR/out"):metrics.json")" "{}" "metrics.json of the run commit"
# Written during the run: recorded.
expect_exit 0 mlops exp run -n fresh -- sh -c 'echo "{\"acc\": 0.5}" > metrics.json'
expect_exit 0 mlops --json exp show fresh
expect_json "$TEST_DIR/out" .metrics.acc.last 0.5
expect_json "$TEST_DIR/out" '.warnings | length' 0
