#!/usr/bin/env bash
# A task of a sweep with a git remote whose run cannot be pushed back (the remote holds another
# record for that run id) exits 5 with the reason in its log and on the remote; exp status, from a
# clone of the remote, shows that point failed (as the scheduler saw it) with that reason and the
# others completed; in the submitting clone, status removes the finished point's snapshot ref.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2 -- true
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
# The task left its reason on the remote, under a ref of its own: status shows it for point 0.
expect_eq "$(git -C "$remote" for-each-ref --format='%(refname)' "refs/mlops/sweep-failures/$sweep")" \
  "refs/mlops/sweep-failures/$sweep/0" "the failure refs on the remote"
expect_json "$TEST_DIR/out" '.points[0].reason | test("refused its record")' true
expect_json "$TEST_DIR/out" '.points[1].reason' null
expect_exit 1 mlops exp status "$sweep"
expect_contains "$TEST_DIR/out" "refused its record"

# In the submitting clone, status removes the snapshot ref of the point that has its run, here
# and on the remote; point 0 (no run: --resume would need it) keeps its own.
cd "$TEST_DIR/a"
expect_exit 1 mlops exp status "$sweep"
for repo in . "$remote"; do
  expect_eq "$(git -C "$repo" for-each-ref --format='%(refname)' "refs/mlops/snapshots/$sweep")" \
    "refs/mlops/snapshots/$sweep/0" "the snapshot refs left in $repo"
done
