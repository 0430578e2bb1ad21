#!/usr/bin/env bash
# A metrics.json the run does write is recorded however its timestamps look afterwards: rewritten with the same size and the old mtime set back (to the nanosecond), replaced by a rename, truncated and refilled, or rewritten with identical bytes; one the run deletes gives no metrics.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"acc": 0.61}' >metrics.json
touch -d '1 hour ago' metrics.json
cp -p metrics.json "$TEST_DIR/ref"  # keeps the mtime, to the nanosecond

run_writes() { # NAME SCRIPT: the run executes SCRIPT; metrics.json gets the reference mtime back
  expect_exit 0 mlops exp run -n "$1" -- sh -c "$2; touch -r '$TEST_DIR/ref' metrics.json"
  expect_eq "$(stat -c %.9Y metrics.json)" "$(stat -c %.9Y "$TEST_DIR/ref")" "mtime after run $1"
}

run_writes same-size 'echo "{\"acc\": 0.72}" >metrics.json'
expect_json <(mlops --json exp show same-size) .metrics.acc.last 0.72

run_writes renamed 'echo "{\"acc\": 0.73}" >m.tmp && mv m.tmp metrics.json'
expect_json <(mlops --json exp show renamed) .metrics.acc.last 0.73

run_writes refilled ': >metrics.json; printf "{\"acc\": 0.74}\n" >>metrics.json'
expect_json <(mlops --json exp show refilled) .metrics.acc.last 0.74

# Identical bytes written again: a deterministic rerun reproduces its metrics, and they are its own.
run_writes identical 'echo "{\"acc\": 0.74}" >metrics.json'
expect_json <(mlops --json exp show identical) .metrics.acc.last 0.74

expect_exit 0 mlops exp run -n deletes -- rm metrics.json
expect_json <(mlops --json exp show deletes) '.metrics | length' 0
expect_no_path metrics.json
