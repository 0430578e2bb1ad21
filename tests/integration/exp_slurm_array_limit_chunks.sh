#!/usr/bin/env bash
# 25 sweep points with MaxArraySize=11 are submitted as three array jobs whose indexes stay below 11, and every point runs exactly once.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm
[ "$(scontrol show config | awk '$1 == "MaxArraySize" {print $3}')" = 11 ] || skip "the test cluster's MaxArraySize is not 11"

exp_repo a
cd a
values=$(seq -s, 1 25)
expect_exit 0 mlops exp run --executor slurm -S "depth=$values" -- sh -c 'cat params.yaml'
sweep=$(cat "$TEST_DIR/out")
manifest=$(git show "refs/mlops/sweeps/$sweep:sweep.json")
expect_eq "$(jq '.submissions | length' <<<"$manifest")" 3 "array jobs"
expect_eq "$(jq -c '[.submissions[].offset]' <<<"$manifest")" "[0,11,22]" "offsets"
wait_sweep "$sweep" || fail "exp wait: $(cat "$TEST_DIR/err")"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" 'length' 25
expect_json "$TEST_DIR/out" '[.[].params.depth] | sort | map(tostring) | join(",")' "$(seq 1 25 | sort -n | paste -sd,)"
expect_json "$TEST_DIR/out" '[.[] | select(.status == "completed")] | length' 25
