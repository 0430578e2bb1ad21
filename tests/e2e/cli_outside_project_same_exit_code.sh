#!/usr/bin/env bash
# Running a command where it cannot work (no git repository, no mlops.yaml) is the same usage error, exit 2, whichever is missing.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir empty
cd empty
for args in "exp list" "exp run -- true" "params diff" "metrics show" "package build"; do
  # shellcheck disable=SC2086  # split the command words
  expect_exit 2 mlops $args
  expect_clean_error
done
git init -q .
expect_exit 2 mlops package build
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml"
