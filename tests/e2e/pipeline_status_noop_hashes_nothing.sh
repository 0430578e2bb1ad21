#!/usr/bin/env bash
# Once the stat cache knows the files, a no-op `mlops status` reads none of them, and after
# one file is edited it reads exactly that one.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
# Files changed less than 100 ms before they are hashed are "racy" (a later change could keep
# their timestamps) and not remembered: let the outputs age past that, then warm the cache.
sleep 0.2
expect_exit 0 mlops status
expect_exit 0 mlops -vv status
expect_contains "$TEST_DIR/err" "status read 0 files"
expect_contains "$TEST_DIR/err" "pipeline is up to date"
printf 'z\n' >>raw.csv
expect_exit 0 mlops -vv status --why
expect_contains "$TEST_DIR/err" "status read 1 files"
expect_contains "$TEST_DIR/err" "hashing $TEST_DIR/p/raw.csv"
expect_contains "$TEST_DIR/out" "prepare: dep raw.csv changed"
