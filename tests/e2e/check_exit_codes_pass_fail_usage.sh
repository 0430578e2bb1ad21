#!/usr/bin/env bash
# `mlops check` exits 0 when every gate of mlops.yaml passes, 1 when one fails, 2 for a gate on a metric no run has (naming it and those that exist) and 3 for an unknown run; never 1 for an error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
cat >>mlops.yaml <<'YAML'
gates:
  metrics.accuracy: {min: 0.9}
  loss: {max: 0.3}
YAML
git commit -qam gates
expect_exit 0 mlops exp run -n good -- sh -c 'echo "{\"accuracy\": 0.95, \"loss\": 0.2}" > metrics.json'
expect_exit 0 mlops check
expect_contains "$TEST_DIR/out" "metrics.accuracy"
expect_contains "$TEST_DIR/out" "pass"
expect_exit 0 mlops exp run -n bad -- sh -c 'echo "{\"accuracy\": 0.85, \"loss\": 0.2}" > metrics.json'
# The newest run by default, or the one named.
expect_exit 1 mlops check
expect_contains "$TEST_DIR/out" "fail"
expect_contains "$TEST_DIR/err" "1 of 2 gates failed"
expect_exit 0 mlops check good
expect_exit 1 mlops check bad
# A gate on a metric no run has: a configuration error naming the metric and the ones there are.
expect_exit 2 mlops check good 'metrics.acuracy >= 0.9'
expect_clean_error
expect_contains "$TEST_DIR/err" "metrics.acuracy"
expect_contains "$TEST_DIR/err" "metrics.accuracy"
# An unknown run.
expect_exit 3 mlops check no-such-run
expect_clean_error
