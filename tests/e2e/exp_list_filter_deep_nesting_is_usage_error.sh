#!/usr/bin/env bash
# `mlops exp list --filter` with 20,000 nested parentheses (or `not`s) exits 2 with one line naming the limit, never a crash; 64 levels still work, and so does a flat chain of 8,000 conditions (a single argument is at most 128 KiB).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n r1 -- true
open=$(printf '%0.s(' $(seq 1 20000))
close=$(printf '%0.s)' $(seq 1 20000))
filter_error() { # an error line, then the hint: the filter around the column and a caret
  expect_eq "$(head -n 1 "$TEST_DIR/err")" "mlops: error: invalid filter at column $1: nested deeper than 64 levels" "error line"
  expect_eq "$(grep -vc -e '^hint: ' -e '^ *^$' "$TEST_DIR/err")" 1 "lines besides the hint"
}
expect_exit 2 mlops exp list --filter "${open}name = r1${close}"
filter_error 65
expect_exit 2 mlops exp list --filter "$(printf '%0.snot ' $(seq 1 20000))name = r1"
filter_error 257
[ "$(wc -c <"$TEST_DIR/err")" -lt 1000 ] || fail "the error repeats all of a 80,000-character filter"
expect_exit 0 mlops --json exp list --filter "${open:0:64}name = r1${close:0:64}"
expect_json "$TEST_DIR/out" '.[0].name' r1
chain="name = r1$(printf '%0.s or name = x' $(seq 1 8000))"
expect_exit 0 mlops --json exp list --filter "$chain"
expect_json "$TEST_DIR/out" length 1
