#!/usr/bin/env bash
# exp status asks the scheduler only about points without a final run, in one call: a recorded point that squeue has forgotten (MinJobAge) is no reason to call sacct too; with every point recorded, no call at all.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2,0.3 -- true
sweep=$(cat "$TEST_DIR/out")
# The task of point 0 runs here, as sbatch would run it; then squeue forgets it.
SLURM_ARRAY_TASK_ID=0 expect_exit 0 mlops exp __task --sweep "$sweep" --offset 0
echo GONE >"$FAKE_SLURM_DIR/state/100_0"
: >"$FAKE_SLURM_DIR/calls"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' completed
expect_json "$TEST_DIR/out" '.points[1].state' queued
expect_eq "$(cat "$FAKE_SLURM_DIR/calls")" "squeue -h -r --states=all --name=mlops-$sweep --user=$(id -u) -o %F|%K|%T|%k" "the scheduler calls"
for i in 1 2; do SLURM_ARRAY_TASK_ID=$i expect_exit 0 mlops exp __task --sweep "$sweep" --offset 0; done
: >"$FAKE_SLURM_DIR/calls"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.ok' true
expect_eq "$(wc -c <"$FAKE_SLURM_DIR/calls")" 0 "scheduler calls with every point recorded"
