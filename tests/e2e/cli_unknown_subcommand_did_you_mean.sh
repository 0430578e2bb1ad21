#!/usr/bin/env bash
# An unknown subcommand at any level (`exp lst`, `package bild`, `template shwo`) is a usage error (exit 2) naming it, with "did you mean" and the help of the command used, like an unknown top-level command.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

check() { # WORDS... -- UNKNOWN SUGGESTION
  local args=()
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  expect_exit 2 mlops "${args[@]}"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "unknown command '$2'"
  expect_contains "$TEST_DIR/err" "did you mean '$3'?"
  expect_not_contains "$TEST_DIR/err" "subcommand is required"
  expect_eq "$(cat "$TEST_DIR/out")" "" "stdout of mlops ${args[*]}"
}
check innit demo -- innit init
check exp lst -- "exp lst" "exp list"
check exp lst --limit 3 -- "exp lst" "exp list"
check package bild -- "package bild" "package build"
check template shwo ml-project -- "template shwo" "template show"
check metrics shw -- "metrics shw" "metrics show"
check key gen -- "key gen" "key generate"
check --json exp shwo x -- "exp shwo" "exp show"

# Nothing close: the hint lists what exists and points at that command's help.
expect_exit 2 mlops exp zzzzzz
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown command 'exp zzzzzz'"
expect_contains "$TEST_DIR/err" "list"
expect_contains "$TEST_DIR/err" "'mlops exp --help'"
expect_exit 2 mlops zzzzzz
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown command 'zzzzzz'"
expect_contains "$TEST_DIR/err" "'mlops --help'"

# A command group without its command says which ones it has.
expect_exit 2 mlops exp
expect_clean_error
expect_contains "$TEST_DIR/err" "'mlops exp' needs a command"
expect_contains "$TEST_DIR/err" "list"
expect_not_contains "$TEST_DIR/err" "subcommand is required"
