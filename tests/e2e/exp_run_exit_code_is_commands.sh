#!/usr/bin/env bash
# `mlops exp run` exits with the command's exit code; a failing command is recorded as failed with that code.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 3 mlops exp run -n three -- sh -c 'echo before-failing; exit 3'
expect_contains "$TEST_DIR/out" "before-failing"
expect_exit 0 mlops --json exp show three
expect_json "$TEST_DIR/out" .status failed
expect_json "$TEST_DIR/out" .exit_code 3
expect_json "$TEST_DIR/out" .signal 0
commit=$(jq -r .commit "$TEST_DIR/out")
expect_eq "$(git rev-parse "refs/mlops/exps/$(jq -r .id "$TEST_DIR/out")")" "$commit" "the ref"
expect_eq "$(git show "$commit:run.json" | jq -r '.status, .exit_code' | paste -sd' ')" "failed 3" "run.json in the run commit"
expect_eq "$(git show "$commit:logs/stdout")" "before-failing" "logs/stdout"

expect_exit 0 mlops exp run -n zero -- true
expect_exit 0 mlops --json exp show zero
expect_json "$TEST_DIR/out" .status completed
expect_json "$TEST_DIR/out" .exit_code 0
