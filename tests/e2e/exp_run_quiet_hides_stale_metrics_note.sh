#!/usr/bin/env bash
# A metrics.json left by an earlier run is mentioned (a note, not a warning, not in the record) only when a run completes without metrics, and never with -q.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"acc": 0.99}' >metrics.json
touch -d '1 hour ago' metrics.json
expect_exit 0 mlops -q exp run -- true
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr with -q"
expect_exit 0 mlops exp run -q -- true
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr with -q after the subcommand"
expect_exit 0 mlops exp run -n plain -- true
expect_contains "$TEST_DIR/err" "metrics.json was not written by this run"
expect_not_contains "$TEST_DIR/err" "warning"
expect_json <(mlops --json exp show plain) '.warnings | length' 0
# A failed run, or one with metrics of its own, needs no such note.
expect_exit 1 mlops exp run -- false
expect_not_contains "$TEST_DIR/err" "metrics.json"
expect_exit 0 mlops exp run -- sh -c "$MLOPS exp log loss=0.5"
expect_not_contains "$TEST_DIR/err" "metrics.json"
