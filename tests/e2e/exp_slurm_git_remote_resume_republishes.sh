#!/usr/bin/env bash
# A sweep through a git remote that lost a point's snapshot: the task fails and leaves its reason;
# exp status shows it (also when the remote cannot be reached, when --resume refuses to run);
# exp run --resume sends the snapshot again and removes the old reason before it submits (a queued
# point shows none), the resubmitted task's run lands; a clone of the remote follows the resumed
# manifest (its new job, no job "not recorded").
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2 -- true
git -C "$remote" update-ref -d "refs/mlops/snapshots/$sweep/1"
mkdir "$TEST_DIR/node"
task() { (cd / && SLURM_ARRAY_TASK_ID=$2 TMPDIR=$TEST_DIR/node sh -c "$(sed -n 5p "$FAKE_SLURM_DIR/jobs/$1")") >"$TEST_DIR/task.out" 2>"$TEST_DIR/task.err"; }
task 100 0 || fail "task 0: $(cat "$TEST_DIR/task.err")"
rc=0
task 100 1 || rc=$?
expect_eq "$rc" 3 "the exit code of the task without its snapshot"
echo COMPLETED >"$FAKE_SLURM_DIR/state/100_0"
echo FAILED >"$FAKE_SLURM_DIR/state/100_1"
git clone -q "$remote" "$TEST_DIR/b"
(cd "$TEST_DIR/b" && expect_exit 1 mlops --json exp status "$sweep")
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[1].state' failed
expect_json "$TEST_DIR/out" '.points[1].reason | test("snapshot")' true
# The remote away: the reason this clone holds is still shown.
mv "$remote" "$remote.away"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[1].reason | test("snapshot")' true
# ...and --resume submits nothing: without the remote's runs it would run finished points again.
expect_exit 5 mlops exp run --resume "$sweep"
expect_contains "$TEST_DIR/err" "could not be asked"
[ ! -e "$FAKE_SLURM_DIR/jobs/101" ] || fail "--resume submitted without its remote"
mv "$remote.away" "$remote"

expect_exit 0 mlops exp run --resume "$sweep"
expect_eq "$(git -C "$remote" rev-parse "refs/mlops/snapshots/$sweep/1")" "$(git rev-parse "refs/mlops/snapshots/$sweep/1")" "point 1's snapshot on the remote"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/sweep-failures/$sweep" | wc -l)" 0 "failure refs on the remote after --resume"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[1].state' queued
expect_json "$TEST_DIR/out" '.points[1].reason' null
# The clone of the remote follows the manifest the resume wrote.
cd "$TEST_DIR/b"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[1].job' 101_0
expect_not_contains "$TEST_DIR/err" "was not recorded"
expect_eq "$(git rev-parse "refs/mlops/sweeps/$sweep")" "$(git -C "$remote" rev-parse "refs/mlops/sweeps/$sweep")" "b's manifest"

task 101 0 || fail "the resubmitted task: $(cat "$TEST_DIR/task.err")"
echo COMPLETED >"$FAKE_SLURM_DIR/state/101_0"
cd "$TEST_DIR/a"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" .ok true
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/snapshots/$sweep" | wc -l)" 0 "snapshot refs left on the remote"
