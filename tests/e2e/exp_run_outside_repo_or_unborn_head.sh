#!/usr/bin/env bash
# `mlops exp run` outside a git repository or in one without commits, exits 2 (like a missing mlops.yaml), fails with a clear message and runs nothing.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir plain
cd plain
expect_exit 2 mlops exp run -- touch ran.txt
expect_clean_error
expect_contains "$TEST_DIR/err" "not a git repository"
expect_no_path ran.txt
expect_exit 2 mlops exp list
expect_contains "$TEST_DIR/err" "not a git repository"

cd "$TEST_DIR"
git init -q unborn
cd unborn
echo "lr: 1" >params.yaml
expect_exit 2 mlops exp run -- touch ran.txt
expect_clean_error
expect_contains "$TEST_DIR/err" "no commits yet"
expect_contains "$TEST_DIR/err" "commit"
expect_no_path ran.txt
[ -z "$(git for-each-ref)" ] || fail "refs were created"
# Listing an empty repository is fine.
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" length 0
