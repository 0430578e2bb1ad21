#!/usr/bin/env bash
# Points with no run of their own take the scheduler's word (OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, TIMEOUT, CANCELLED, BOOT_FAIL, COMPLETED without a run = lost), from ONE squeue call for the whole sweep per exp status; a point the scheduler forgot is lost.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8 -- true
sweep=$(cat "$TEST_DIR/out")
s=$FAKE_SLURM_DIR/state
echo OUT_OF_MEMORY >"$s/100_0"
echo NODE_FAIL >"$s/100_1"
echo PREEMPTED >"$s/100_2"
echo TIMEOUT >"$s/100_3"
echo "CANCELLED by 0" >"$s/100_4"
echo BOOT_FAIL >"$s/100_5"
echo COMPLETED >"$s/100_6"
echo GONE >"$s/100_7"
: >"$FAKE_SLURM_DIR/calls"
expect_exit 1 mlops --json exp status "$sweep"
i=0
for want in oom node_fail preempted timeout cancelled node_fail lost lost; do
  expect_json "$TEST_DIR/out" ".points[$i].state" "$want"
  i=$((i + 1))
done
expect_json "$TEST_DIR/out" '.finished' true
expect_eq "$(grep -c '^squeue' "$FAKE_SLURM_DIR/calls")" 1 "squeue calls for one exp status"
