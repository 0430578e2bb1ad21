#!/usr/bin/env bash
# `mlops exp branch RUN NAME` refuses the names `git branch` refuses beyond the ref-format rules — HEAD (an internal error, exit 70, before) and @ (created a branch named '@', which git reads as HEAD) — with a usage error (exit 2), creating nothing.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n base -- true
for b in HEAD @; do
  expect_exit 2 mlops exp branch base "$b"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "not a valid branch name"
done
expect_eq "$(git for-each-ref --format='%(refname)' refs/heads)" "refs/heads/main" "the branches"
expect_exit 0 mlops exp branch base ok
