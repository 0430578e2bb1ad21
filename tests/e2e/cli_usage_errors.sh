#!/usr/bin/env bash
# No command, an unknown command and a bad flag each exit 2 with a short error (and a "did you mean" for typos).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 2 mlops
expect_contains "$TEST_DIR/err" "mlops: error: no command given"
expect_eq "$(cat "$TEST_DIR/out")" "" "stdout without a command"

expect_exit 2 mlops innit demo
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown command 'innit'"
expect_contains "$TEST_DIR/err" "did you mean 'init'"
expect_no_path demo
expect_exit 2 mlops templat list
expect_clean_error
expect_contains "$TEST_DIR/err" "did you mean 'template'"

expect_exit 2 mlops init --bogus demo
expect_clean_error
expect_contains "$TEST_DIR/err" "--bogus"
expect_no_path demo
expect_exit 2 mlops --color sometimes template list
expect_clean_error
expect_contains "$TEST_DIR/err" "sometimes"
expect_exit 2 mlops completion tcsh
expect_clean_error
expect_exit 2 mlops template
expect_clean_error
