#!/usr/bin/env bash
# `mlops template list` shows a table with ml-project; -q prints names only; --json prints an array.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops template list
head -1 "$TEST_DIR/out" | grep -qE '^NAME +VERSION +SOURCE +SUMMARY$' || fail "no table header"
grep -qE '^ml-project +1\.3\.0 +builtin +Python ML project' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "ml-project row missing"; }
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr"

expect_exit 0 mlops template list -q
expect_eq "$(cat "$TEST_DIR/out")" "ml-project" "template list -q"

expect_exit 0 mlops --json template list
expect_json "$TEST_DIR/out" 'length' 1
expect_json "$TEST_DIR/out" '.[0].name' ml-project
expect_json "$TEST_DIR/out" '.[0].version' 1.3.0
expect_json "$TEST_DIR/out" '.[0].source' builtin
expect_json "$TEST_DIR/out" '.[0].location' ml-project
