#!/usr/bin/env bash
# `mlops --json init` prints one JSON document: target, files written, git commit (= HEAD) and answers.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops --json init demo --defaults -s project_name=Churn
jq -e . "$TEST_DIR/out" >/dev/null || { cat "$TEST_DIR/out" >&2; fail "stdout is not one JSON document"; }
expect_json "$TEST_DIR/out" '.target' "$(pwd -P)/demo"
expect_json "$TEST_DIR/out" '.git.mode' new
expect_json "$TEST_DIR/out" '.git.commit' "$(git -C demo rev-parse HEAD)"
expect_json "$TEST_DIR/out" '.template.name' ml-project
expect_json "$TEST_DIR/out" '.template.source' builtin
expect_json "$TEST_DIR/out" '.answers.project_name' Churn
expect_json "$TEST_DIR/out" '.answers.package_name' churn
expect_json "$TEST_DIR/out" '.answers.include_notebooks' true
expect_json "$TEST_DIR/out" '.answers.ci | join(",")' github
expect_json "$TEST_DIR/out" '.overwritten | length' 0
# The file list is exactly what was committed.
jq -r '.files[]' "$TEST_DIR/out" | LC_ALL=C sort >"$TEST_DIR/json-files"
git -C demo ls-files | LC_ALL=C sort >"$TEST_DIR/git-files"
[ -s "$TEST_DIR/json-files" ] || fail "no files listed"
diff -u "$TEST_DIR/git-files" "$TEST_DIR/json-files" || fail "--json files differ from the committed files"
grep -qx '.mlops/answers.yaml' "$TEST_DIR/json-files" || fail ".mlops/answers.yaml not listed"
