#!/usr/bin/env bash
# A task of a sweep with a git remote whose run cannot be pushed back (the remote holds another
# record for that run id) exits 5 with the reason in its log; exp status, from a clone of the
# remote, shows that point failed (as the scheduler saw it) and the others completed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

remote=$TEST_DIR/remote.git
exp_repo_on_remote a "$remote"
expect_exit 0 mlops exp run --executor slurm --remote "$remote" -S lr=0.1,0.2 -- true
sweep=$(cat "$TEST_DIR/out")
run0=$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r '.points[0].run')
# Someone else's record under point 0's run id, sharing no history with it.
foreign=$(git -C "$remote" commit-tree "$(git -C "$remote" hash-object -t tree -w /dev/null)" -m foreign)
git -C "$remote" update-ref "refs/mlops/exps/$run0" "$foreign"
wrap=$(sed -n 5p "$FAKE_SLURM_DIR/jobs/100")
mkdir "$TEST_DIR/node"
task() { (cd / && SLURM_ARRAY_TASK_ID=$1 TMPDIR=$TEST_DIR/node sh -c "$wrap") >"$TEST_DIR/task$1.out" 2>"$TEST_DIR/task$1.err"; }
rc=0
task 0 || rc=$?
expect_eq "$rc" 5 "the exit code of the task whose push was refused"
expect_contains "$TEST_DIR/task0.err" "refused its record"
expect_contains "$TEST_DIR/task0.err" "$run0"
task 1 || { cat "$TEST_DIR/task1.err" >&2; fail "task 1 failed"; }
expect_eq "$(find "$TEST_DIR/node" -mindepth 1 | wc -l)" 0 "scratch left on the node"
expect_eq "$(git -C "$remote" rev-parse "refs/mlops/exps/$run0")" "$foreign" "the remote's record for point 0"
echo FAILED >"$FAKE_SLURM_DIR/state/100_0" # what Slurm records for a task that exited 5
echo COMPLETED >"$FAKE_SLURM_DIR/state/100_1"

cd "$TEST_DIR"
git clone -q "$remote" fresh
cd fresh
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' failed
expect_json "$TEST_DIR/out" '.points[1].state' completed
expect_json "$TEST_DIR/out" .finished true
