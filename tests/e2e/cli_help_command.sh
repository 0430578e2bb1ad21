#!/usr/bin/env bash
# `mlops help [COMMAND [SUBCOMMAND]]` prints the same help as `--help` of that command (exit 0); an unknown one is a usage error with "did you mean".
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

same_as_help() { # WORDS...
  expect_exit 0 mlops "$@" --help
  cp "$TEST_DIR/out" "$TEST_DIR/want"
  expect_exit 0 mlops help "$@"
  diff -u "$TEST_DIR/want" "$TEST_DIR/out" >&2 || fail "mlops help $* differs from mlops $* --help"
  [ -s "$TEST_DIR/out" ] || fail "mlops help $* printed nothing"
  expect_eq "$(cat "$TEST_DIR/err")" "" "stderr of mlops help $*"
}
same_as_help
same_as_help exp
same_as_help exp list
same_as_help package build
same_as_help template show
expect_exit 0 mlops help exp list
expect_contains "$TEST_DIR/out" "Usage: mlops exp list"

expect_exit 2 mlops help exp lst
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown command 'exp lst'"
expect_contains "$TEST_DIR/err" "did you mean 'exp list'?"
expect_exit 2 mlops help innit
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown command 'innit'"
expect_contains "$TEST_DIR/err" "did you mean 'init'?"
expect_exit 2 mlops help exp list extra
expect_clean_error
expect_contains "$TEST_DIR/err" "'mlops exp list' has no commands"
