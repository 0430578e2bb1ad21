#!/usr/bin/env bash
# A metrics.json written by Python's json.dump with NaN / Infinity / -Infinity keeps every value: the finite ones as numbers, the others recorded as "NaN", "Infinity", "-Infinity".
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n py -- "$PYTHON" -c 'import json; json.dump({"acc": 0.9, "loss": float("nan"), "hi": float("inf"), "lo": float("-inf"), "name": "NaN", "eval": {"f1": 0.5}}, open("metrics.json", "w"))'
expect_not_contains "$TEST_DIR/err" "warning"
expect_exit 0 mlops --json exp show py
expect_json "$TEST_DIR/out" .metrics.acc.last 0.9
expect_json "$TEST_DIR/out" '.metrics["eval.f1"].last' 0.5
expect_json "$TEST_DIR/out" '[.metrics.loss.last, .metrics.hi.last, .metrics.lo.last] | join(" ")' "NaN Infinity -Infinity"
expect_json "$TEST_DIR/out" '.warnings | length' 0
