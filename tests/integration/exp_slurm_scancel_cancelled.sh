#!/usr/bin/env bash
# `mlops exp cancel SWEEP` cancels the array job through scancel: the running point is recorded interrupted and shown cancelled, the queued one never runs and is shown cancelled too.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm --jobs 1 -S lr=0.1,0.2 -- sh -c 'echo started; sleep 120'
sweep=$(cat "$TEST_DIR/out")
# Running to Slurm is not yet started to mlops: wait until the task has claimed its run.
"$MLOPS" --json exp status "$sweep" >"$TEST_DIR/st0.json" || true
first=$(jq -r '.points[0].run' "$TEST_DIR/st0.json")
for _ in $(seq 150); do
  [ "$(sweep_state "$sweep" 0)" = running ] && git rev-parse -q --verify "refs/mlops/exps/$first" >/dev/null && break
  sleep 0.2
done
expect_eq "$(sweep_state "$sweep" 0)" running "point 0 before the cancel"
expect_eq "$(sweep_state "$sweep" 1)" queued "point 1 before the cancel (--jobs 1)"
expect_exit 0 mlops exp cancel "$sweep"
wait_sweep "$sweep" && fail "exp wait should exit 1 after a cancel"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' cancelled
expect_json "$TEST_DIR/out" '.points[1].state' cancelled
run0=$(jq -r '.points[0].run' "$TEST_DIR/out")
run1=$(jq -r '.points[1].run' "$TEST_DIR/out")
# The task records its run after Slurm's SIGTERM, which may come after the scheduler reports the cancel.
for _ in $(seq 100); do
  [ "$(git show "refs/mlops/exps/$run0:run.json" 2>/dev/null | jq -r .status)" = interrupted ] && break
  sleep 0.2
done
expect_eq "$(git show "refs/mlops/exps/$run0:run.json" | jq -r .status)" interrupted "the started run's record"
git rev-parse -q --verify "refs/mlops/exps/$run1" >/dev/null && fail "the queued point should never have run"
true
