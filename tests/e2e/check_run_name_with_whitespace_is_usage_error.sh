#!/usr/bin/env bash
# `mlops check 'NAME\r'` (a run name pasted with a carriage return or a trailing space) is neither a
# run nor an expression: exit 2 naming the argument, never a check of another run (the newest one)
# through a bare-word expression that happens to name a param.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n depth -- sh -c 'echo "{\"accuracy\": 0.5}" > metrics.json'
expect_exit 0 mlops exp run -n good -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
expect_exit 1 mlops check depth 'metrics.accuracy >= 0.9'
# 'depth' is also a param: as a bare-word expression it held on the newest run, 'good'.
for arg in $'depth\r' 'depth ' $'depth\t' $'\ndepth' $'good\r'; do
  expect_exit 2 mlops check "$arg" 'metrics.accuracy >= 0.9'
  expect_clean_error
  expect_contains "$TEST_DIR/err" "neither a run nor an expression"
done
expect_contains "$TEST_DIR/err" "'good'"
# Expressions with spaces and whole run names still work.
expect_exit 0 mlops check good 'metrics.accuracy >= 0.9'
expect_exit 0 mlops check 'metrics.accuracy >= 0.9'
expect_exit 0 mlops check ' metrics.accuracy >= 0.9 '
