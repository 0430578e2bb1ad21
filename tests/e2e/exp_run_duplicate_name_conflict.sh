#!/usr/bin/env bash
# `mlops exp run -n NAME` with a name already recorded exits 6 without running the command or recording anything.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n baseline -- true
refs_before=$(git for-each-ref refs/mlops)
expect_exit 6 mlops exp run -n baseline -- touch ran.txt
expect_clean_error
expect_contains "$TEST_DIR/err" "a run named 'baseline' exists"
expect_no_path ran.txt
expect_eq "$(git for-each-ref refs/mlops)" "$refs_before" "refs after the refused run"
# An invalid name is a usage error.
expect_exit 2 mlops exp run -n 'bad name' -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "invalid run name"
