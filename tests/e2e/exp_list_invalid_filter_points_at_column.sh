#!/usr/bin/env bash
# An invalid --filter exits 2 before any work with "column N" and a caret under that column.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -- true
check() { # FILTER COLUMN
  expect_exit 2 mlops exp list --filter "$1"
  expect_contains "$TEST_DIR/err" "mlops: error: invalid filter at column $2:"
  grep -qxF "hint:   $1" "$TEST_DIR/err" || { cat "$TEST_DIR/err" >&2; fail "the hint does not repeat the filter"; }
  local caret
  caret=$(grep -n '\^$' "$TEST_DIR/err" | tail -n 1) || { cat "$TEST_DIR/err" >&2; fail "no caret line"; }
  caret=${caret#*:}
  # "  " + (column - 1) spaces + "^"
  expect_eq "${#caret}" "$(($2 + 2))" "caret position for '$1'"
  [ -z "$(tr -d ' ^' <<<"$caret")" ] || fail "the caret line has more than the caret: '$caret'"
  expect_eq "$(wc -c <"$TEST_DIR/out")" 0 "stdout for '$1'"
}
check 'metrics.acc >' 14
check 'metrics.acc > 0.5 and (tag:x or params.lr < 1' 46
check 'params.lr ! 3' 11
check 'and metrics.acc > 1' 1
check 'metrics.acc > 1 params.lr' 17
check "name = 'unterminated" 8
