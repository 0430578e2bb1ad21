#!/usr/bin/env bash
# `ls` works wherever `list` does and `rm`/`remove` wherever either does (template, exp, package), with the same output.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

same() { # "ARGS A" "ARGS B": the same exit code and output
  local a=0 b=0 one two
  read -ra one <<<"$1"
  read -ra two <<<"$2"
  mlops "${one[@]}" >"$TEST_DIR/a" 2>&1 || a=$?
  mlops "${two[@]}" >"$TEST_DIR/b" 2>&1 || b=$?
  expect_eq "$b" "$a" "exit code of mlops $2"
  diff -u "$TEST_DIR/a" "$TEST_DIR/b" >&2 || fail "mlops $2 differs from mlops $1"
}
same "template list" "template ls"
same "--json template list" "--json template ls"

package_project
expect_exit 0 mlops package tag demo:1.0 demo:a
expect_exit 0 mlops package tag demo:1.0 demo:b
same "package list" "package ls"
expect_exit 0 mlops package rm demo:a
expect_exit 0 mlops package remove demo:b
expect_exit 0 mlops -q package ls
expect_eq "$(cat "$TEST_DIR/out")" "demo:1.0" "package ls after rm and remove"

exp_repo repo
cd repo
expect_exit 0 mlops -q exp run -n one -- true
expect_exit 0 mlops -q exp run -n two -- true
same "exp list --all" "exp ls --all"
expect_exit 0 mlops exp remove one
expect_exit 0 mlops exp rm two
expect_exit 0 mlops --json exp ls --all
expect_eq "$(jq length "$TEST_DIR/out")" 0 "runs left"

# The aliases show in help.
expect_exit 0 mlops package --help
expect_contains "$TEST_DIR/out" "list, ls"
expect_contains "$TEST_DIR/out" "rm, remove"
