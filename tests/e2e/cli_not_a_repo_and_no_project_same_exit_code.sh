#!/usr/bin/env bash
# "not a git repository" and "no mlops.yaml" are the same kind of error with the same exit code (2, a usage error: run in the wrong place) for every command that needs one, with -C too; a repository without commits is a usage error too, with its own message.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir plain
for cmd in "exp list" "exp show x" "exp run -- true" "exp gc" "params diff" "metrics show" "metrics diff"; do
  # shellcheck disable=SC2086
  (cd plain && expect_exit 2 mlops $cmd)
  expect_clean_error
  expect_contains "$TEST_DIR/err" "not a git repository"
  # shellcheck disable=SC2086
  expect_exit 2 mlops -C plain $cmd
done
(cd plain && expect_exit 2 mlops package build)
expect_contains "$TEST_DIR/err" "mlops.yaml"
git init -q repo
(cd repo && expect_exit 2 mlops package build)
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml"
(cd repo && expect_exit 2 mlops exp run -- true)
expect_contains "$TEST_DIR/err" "no commits yet"
