#!/usr/bin/env bash
# Metrics the command writes to the declared metrics file (nested keys flattened, numbers and booleans) are recorded in metrics.json of the run commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n m -- sh -c 'printf "{\"acc\": 0.875, \"eval\": {\"loss\": 0.25}, \"best\": true, \"model\": \"rf\"}\n" > metrics.json'
expect_not_contains "$TEST_DIR/err" "warning"
expect_exit 0 mlops --json exp show m
expect_json "$TEST_DIR/out" .metrics.acc.last 0.875
expect_json "$TEST_DIR/out" .metrics.acc.count 1
expect_json "$TEST_DIR/out" '.metrics["eval.loss"].last' 0.25
expect_json "$TEST_DIR/out" '.metrics.best.last == 1' true
expect_json "$TEST_DIR/out" '.metrics | has("model")' false
commit=$(jq -r .commit "$TEST_DIR/out")
git show "$commit:metrics.json" >"$TEST_DIR/metrics"
expect_json "$TEST_DIR/metrics" '.acc | [.last, .min, .max, .count] | join(" ")' "0.875 0.875 0.875 1"
expect_json "$TEST_DIR/metrics" '."eval.loss".last' 0.25
# The list shows them too.
expect_exit 0 mlops --json exp list
expect_json "$TEST_DIR/out" '.[0].metrics.acc.last' 0.875
