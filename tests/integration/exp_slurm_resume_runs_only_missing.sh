#!/usr/bin/env bash
# `exp run --resume SWEEP` submits again only the points without a final run: a point cancelled while queued runs, the completed ones are not run twice.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm --jobs 1 -S lr=0.1,0.2,0.3 -- sh -c 'sleep 2; cat params.yaml'
sweep=$(cat "$TEST_DIR/out")
expect_exit 0 mlops --json exp status "$sweep"
last=$(jq -r '.points[2].run' "$TEST_DIR/out")
expect_exit 0 mlops exp cancel "$last"
wait_sweep "$sweep" && fail "exp wait should exit 1 with a point cancelled"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' "completed,completed,cancelled"
first=$(git rev-parse "refs/mlops/exps/$(jq -r '.points[0].run' "$TEST_DIR/out")")

expect_exit 0 mlops exp run --resume "$sweep" --wait
expect_contains "$TEST_DIR/err" "1 points of sweep $sweep submitted again"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' "completed,completed,completed"
expect_eq "$(git rev-parse "refs/mlops/exps/$(jq -r '.points[0].run' "$TEST_DIR/out")")" "$first" "a completed point is not run again"
manifest=$(git show "refs/mlops/sweeps/$sweep:sweep.json")
expect_eq "$(jq -c '[.submissions[].indexes]' <<<"$manifest")" "[[0,1,2],[2]]" "submissions"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" 'length' 3
# nothing left to resume
expect_exit 0 mlops exp run --resume "$sweep"
expect_contains "$TEST_DIR/err" "0 points of sweep"
