#!/usr/bin/env bash
# `mlops --json exp run` prints only a JSON array of the runs on stdout; the command's own stdout goes to stderr.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
# The command prints a marker that is not in its argv (which the JSON holds).
# shellcheck disable=SC2016
expect_exit 0 mlops --json exp run -n j -- sh -c 'echo "plain-$((6 * 7))-text"; echo "{\"acc\": 1}" > metrics.json'
jq -e . "$TEST_DIR/out" >/dev/null || { cat "$TEST_DIR/out" >&2; fail "stdout is not one JSON document"; }
expect_json "$TEST_DIR/out" 'type' array
expect_json "$TEST_DIR/out" 'length' 1
expect_json "$TEST_DIR/out" '.[0].name' j
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last == 1' true
expect_json "$TEST_DIR/out" '.[0].commit' "$(git rev-parse "refs/mlops/exps/$(jq -r '.[0].id' "$TEST_DIR/out")")"
expect_not_contains "$TEST_DIR/out" "plain-42-text"
expect_contains "$TEST_DIR/err" "plain-42-text"
# A failing command: still JSON, and the exit code is the command's.
# shellcheck disable=SC2016
expect_exit 5 mlops --json exp run -n f -- sh -c 'echo "oops-$((6 * 7))"; exit 5'
expect_json "$TEST_DIR/out" '.[0].exit_code' 5
expect_json "$TEST_DIR/out" '.[0].status' failed
expect_not_contains "$TEST_DIR/out" "oops-42"
expect_contains "$TEST_DIR/err" "oops-42"
