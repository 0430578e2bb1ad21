#!/usr/bin/env bash
# exp status removes a sweep's snapshot and failure refs by what the remote holds: a point whose
# run is only in this clone keeps its snapshot on the remote (other clones may resume it); a
# failure ref left by an attempt before the point's run landed goes once the run is there, even
# if no clone saw it before; refs a remote puts under the failure prefix that are no point's are
# not kept here.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2,0.3 -- true
run() { git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r ".points[$1].run"; }
mkdir "$TEST_DIR/node"
task() { (cd / && SLURM_ARRAY_TASK_ID=$1 TMPDIR=$TEST_DIR/node sh -c "$(sed -n 5p "$FAKE_SLURM_DIR/jobs/100")") >"$TEST_DIR/task.out" 2>"$TEST_DIR/task.err"; }
# Point 2: its first attempt is refused (someone else's record under its id) and leaves a reason;
# the record removed, the second attempt lands, before any exp status ran.
run2=$(run 2)
foreign=$(git -C "$remote" commit-tree "$(git -C "$remote" hash-object -t tree -w /dev/null)" -m foreign)
git -C "$remote" update-ref "refs/mlops/exps/$run2" "$foreign"
rc=0
task 2 || rc=$?
expect_eq "$rc" 5 "the first attempt at point 2"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/sweep-failures/$sweep" | wc -l)" 1 "failure refs on the remote"
git -C "$remote" update-ref -d "refs/mlops/exps/$run2"
for i in 0 1 2; do task "$i" || fail "task $i: $(cat "$TEST_DIR/task.err")"; echo COMPLETED >"$FAKE_SLURM_DIR/state/100_$i"; done
# Point 1's run reaches this clone, then the remote loses it.
expect_exit 0 mlops exp pull "$remote"
git -C "$remote" update-ref -d "refs/mlops/exps/$(run 1)"
# A hostile remote's refs under the failure prefix.
for junk in foo 00 7 99999999999999999999999 5/x; do git -C "$remote" update-ref "refs/mlops/sweep-failures/$sweep/$junk" "$foreign"; done

expect_exit 0 mlops exp status "$sweep"
expect_eq "$(git -C "$remote" for-each-ref --format='%(refname)' "refs/mlops/snapshots/$sweep")" "refs/mlops/snapshots/$sweep/1" \
  "snapshot refs on the remote (point 1's run is not there)"
expect_eq "$(git for-each-ref --format='%(refname)' "refs/mlops/sweep-failures/$sweep")" "" "failure refs kept here"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/sweep-failures/$sweep" | grep -c "/$sweep/2$")" 0 "point 2's failure ref on the remote"
expect_exit 0 mlops exp status "$sweep"
