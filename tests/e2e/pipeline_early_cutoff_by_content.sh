#!/usr/bin/env bash
# A stage whose upstream ran again but wrote byte-identical outputs does not run (early
# cut-off by content, not by time).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
# Same lines, another order and a duplicate: `sort -u` makes the same prepared.csv.
printf 'a\nb\nb\n' >raw.csv
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "prepare: dep raw.csv changed"
expect_not_contains "$TEST_DIR/out" "train"
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro
expect_eq "$(runs_since "$mark")" "prepare" "only prepare runs"
expect_contains "$TEST_DIR/err" "skipped train: up to date"
