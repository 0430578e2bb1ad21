#!/usr/bin/env bash
# A 2x2 sweep sent to Slurm is one array job; `exp wait` re-attaches and every point ends as a completed run with its own params, and the manifest ref maps each index to its run.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.01 -S depth=3,4 -- sh -c 'echo "{\"acc\": 0.5}" > metrics.json; cat params.yaml'
sweep=$(cat "$TEST_DIR/out")
[[ $sweep =~ ^[0-9A-HJKMNP-TV-Z]{26}$ ]] || fail "expected a sweep id on stdout, got '$sweep'"
manifest=$(git show "refs/mlops/sweeps/$sweep:sweep.json")
expect_eq "$(jq '.points | length' <<<"$manifest")" 4 "points in the manifest"
expect_eq "$(jq '.submissions | length' <<<"$manifest")" 1 "array jobs (one for the sweep)"
expect_eq "$(jq -c '.submissions[0].indexes' <<<"$manifest")" "[0,1,2,3]" "indexes of the array job"
expect_eq "$(jq -r '.export | index("ALL")' <<<"$manifest")" null "never --export=ALL"

wait_sweep "$sweep" || fail "exp wait: $(cat "$TEST_DIR/err")"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | unique | join(",")' completed
expect_json "$TEST_DIR/out" '.ok' true

expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" 'length' 4
expect_json "$TEST_DIR/out" "[.[] | select(.sweep == \"$sweep\" and .status == \"completed\")] | length" 4
expect_json "$TEST_DIR/out" '[.[] | "\(.params.lr)/\(.params.depth)"] | sort | join(" ")' "0.01/3 0.01/4 0.1/3 0.1/4"
expect_json "$TEST_DIR/out" '[.[].metrics.acc.last] | unique | join(",")' "0.5"
# the runs are exactly the manifest's
expect_eq "$(jq -r '[.points[].run] | sort | join(" ")' <<<"$manifest")" \
  "$(mlops --json exp list --all | jq -r '[.[].id] | sort | join(" ")')" "run ids"
# the user's workspace was not touched
expect_eq "$(git status --porcelain)" "" "git status"
