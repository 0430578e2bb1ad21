#!/usr/bin/env bash
# `mlops params diff REV` and `metrics diff REV` with a revision that does not exist exit 3 naming the closest branches and tags.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
git tag v1.0
git branch feature-x
for cmd in "params diff" "metrics diff"; do
  # shellcheck disable=SC2086
  expect_exit 3 mlops $cmd mian
  expect_clean_error
  expect_contains "$TEST_DIR/err" "unknown revision 'mian'"
  expect_contains "$TEST_DIR/err" "did you mean 'main'"
done
expect_exit 3 mlops params diff v1.1
expect_contains "$TEST_DIR/err" "did you mean 'v1.0'"
expect_exit 3 mlops params diff featur-x
expect_contains "$TEST_DIR/err" "'feature-x'"
expect_exit 0 mlops params diff v1.0
