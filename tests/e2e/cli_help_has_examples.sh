#!/usr/bin/env bash
# `mlops --help` and every command's --help exit 0 on stdout and show an Examples: section.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

for cmd in "" init template "template list" "template show" completion version; do
  # shellcheck disable=SC2086  # split the command words
  expect_exit 0 mlops $cmd --help
  expect_contains "$TEST_DIR/out" "Usage: mlops${cmd:+ $cmd}"
  expect_contains "$TEST_DIR/out" "Examples:"
  grep -A1 '^Examples:' "$TEST_DIR/out" | grep -q '^  mlops ' || fail "mlops $cmd --help: Examples: has no example"
  expect_eq "$(cat "$TEST_DIR/err")" "" "stderr of mlops $cmd --help"
done
expect_exit 0 mlops --help
expect_contains "$TEST_DIR/out" "Exit codes:"
expect_exit 0 mlops init -h
expect_contains "$TEST_DIR/out" "Examples:"
