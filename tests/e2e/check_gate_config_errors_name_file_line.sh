#!/usr/bin/env bash
# A malformed gates: section of mlops.yaml is exit 2 with mlops.yaml:LINE; an unknown metric in it names itself and the metrics that exist.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n r -- sh -c 'echo "{\"accuracy\": 0.95, \"loss\": 0.2}" > metrics.json'
cp mlops.yaml base.yaml
printf 'gates:\n  metrics.accuracy: {min: high}\n' >>mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:4"
expect_contains "$TEST_DIR/err" "min"
cp base.yaml mlops.yaml
printf 'gates:\n  metrics.accuracy: {minimum: 0.9}\n' >>mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:4"
expect_contains "$TEST_DIR/err" "minimum"
cp base.yaml mlops.yaml
printf 'gates: [accuracy]\n' >>mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:3"
cp base.yaml mlops.yaml
printf 'gates:\n  metrics.acc: {min: 0.9}\n' >>mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "metrics.acc"
expect_contains "$TEST_DIR/err" "metrics.accuracy"
cp base.yaml mlops.yaml
printf 'gates:\n  metrics.accuracy: {min: 0.9\n' >>mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:"
# No gate at all is a usage error, not a pass.
cp base.yaml mlops.yaml
expect_exit 2 mlops check r
expect_clean_error
expect_contains "$TEST_DIR/err" "no gates"
