#!/usr/bin/env bash
# `mlops check` expressions may name the baseline's value (`metrics.accuracy >= baseline.metrics.accuracy - 0.01`) with --against: a small drop passes, a larger one fails (exit 1) with both values; without --against the expression is a usage error that says why (exit 2); a baseline without that value skips it with the reason; an unknown baseline field is named (exit 2).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n base -- sh -c 'echo "{\"accuracy\": 0.90, \"loss\": 0.20}" > metrics.json'
expect_exit 0 mlops exp run -n close -- sh -c 'echo "{\"accuracy\": 0.895, \"loss\": 0.21}" > metrics.json'
expect_exit 0 mlops exp run -n worse -- sh -c 'echo "{\"accuracy\": 0.85, \"loss\": 0.25}" > metrics.json'
expect_exit 0 mlops exp run -n noacc -- sh -c 'echo "{\"loss\": 0.25}" > metrics.json'
gate='metrics.accuracy >= baseline.metrics.accuracy - 0.01'
expect_exit 0 mlops --json check close "$gate" --against base
expect_json "$TEST_DIR/out" '.gates[0].status' pass
expect_json "$TEST_DIR/out" '.gates[0].value' 0.895
expect_json "$TEST_DIR/out" '.gates[0].baseline' 0.9
expect_exit 1 mlops --json check worse "$gate" --against base
expect_json "$TEST_DIR/out" '.gates[0].status' fail
expect_json "$TEST_DIR/out" '.gates[0].reason | test("0.85") and test("0.9")' true
# Bare names resolve on the baseline side too, and relative limits read as they are written.
expect_exit 1 mlops check worse 'loss <= baseline.loss * 1.05' --against base
expect_exit 0 mlops check close 'loss <= baseline.loss * 1.1' --against base
# No --against: the baseline of the expression is missing, and the error says so.
expect_exit 2 mlops check close "$gate"
expect_clean_error
expect_contains "$TEST_DIR/err" "baseline.metrics.accuracy"
expect_contains "$TEST_DIR/err" "--against"
# A baseline run without the value: skipped with the reason, not a pass or a failure.
expect_exit 0 mlops --json check close "$gate" --against noacc
expect_json "$TEST_DIR/out" '.gates[0].status' skip
expect_json "$TEST_DIR/out" '.gates[0].reason | test("noacc")' true
# An unknown field on the baseline side: named, with those that exist.
expect_exit 2 mlops check close 'metrics.accuracy >= baseline.metrics.acuracy' --against base
expect_clean_error
expect_contains "$TEST_DIR/err" "acuracy"
