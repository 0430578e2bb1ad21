#!/usr/bin/env bash
# A params.yaml that does not parse does not stop the run: it is recorded, without params, with a warning naming the file.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'lr: [0.1\ndepth: 3\n' >params.yaml
expect_exit 0 mlops exp run -n broken -- sh -c 'echo ran'
expect_contains "$TEST_DIR/out" "ran"
expect_contains "$TEST_DIR/err" "params.yaml"
expect_exit 0 mlops --json exp show broken
expect_json "$TEST_DIR/out" .status completed
expect_json "$TEST_DIR/out" '.params | length' 0
expect_json "$TEST_DIR/out" '.warnings | map(select(test("params.yaml") and test("invalid YAML"))) | length' 1
# The snapshot has the file as it was.
expect_eq "$(git show "$(jq -r .snapshot "$TEST_DIR/out"):params.yaml")" "$(cat params.yaml)" "params.yaml in the snapshot"
# The warning is shown once, when the run starts (before the command's output), not again at the end.
expect_exit 0 mlops exp run -n broken-again -- sh -c 'echo ran'
expect_eq "$(grep -c 'params not read' "$TEST_DIR/err")" 1 "times the warning is shown"
expect_eq "$(grep -n 'params not read' "$TEST_DIR/err" | cut -d: -f1)" "$(grep -n 'started' "$TEST_DIR/err" | cut -d: -f1 | awk '{print $1 + 1}')" "line of the warning (right after 'started')"
