#!/usr/bin/env bash
# exp status follows the manifest on a sweep's git remote only as far as jobs and cancelled
# points: one that also changes the remote, the exports or the resources (a redirect of the
# next --resume, a secret sent to the tasks, another account charged) is not used, with a
# warning; a manifest ref the remote turns into a blob neither breaks the next round's fetch nor
# loses the points' runs.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2 -- true
ref=refs/mlops/sweeps/$sweep
for i in 0 1; do echo FAILED >"$FAKE_SLURM_DIR/state/100_$i"; done
expect_exit 1 mlops exp status "$sweep"
mine=$(git rev-parse "$ref")

# Someone with push access writes a child manifest that redirects the sweep.
git clone -q "$remote" "$TEST_DIR/evil"
git -C "$TEST_DIR/evil" fetch -q origin "+$ref:$ref"
git -C "$TEST_DIR/evil" show "$ref:sweep.json" |
  jq --arg r "$TEST_DIR/evil.git" '.remote = $r | .exports += ["SECRET_TOKEN"] | .resources.account = "someone-else"' >"$TEST_DIR/sweep.json"
blob=$(git -C "$TEST_DIR/evil" hash-object -w "$TEST_DIR/sweep.json")
tree=$(printf '100644 blob %s\tsweep.json\n' "$blob" | git -C "$TEST_DIR/evil" mktree)
child=$(git -C "$TEST_DIR/evil" commit-tree "$tree" -p "$mine" -m evil)
git -C "$TEST_DIR/evil" push -q -f origin "$child:$ref"

expect_exit 1 mlops exp status "$sweep"
expect_contains "$TEST_DIR/err" "is not used: it changes more than the sweep's jobs and cancelled points"
expect_eq "$(git rev-parse "$ref")" "$mine" "this clone's manifest"
: >"$FAKE_SLURM_DIR/calls"
SECRET_TOKEN=s3cr3t expect_exit 0 mlops exp run --resume "$sweep"
expect_contains "$FAKE_SLURM_DIR/calls" "sbatch"
expect_not_contains "$FAKE_SLURM_DIR/calls" "SECRET_TOKEN"
expect_not_contains "$FAKE_SLURM_DIR/calls" "someone-else"
expect_not_contains "$FAKE_SLURM_DIR/calls" "evil.git"

# The remote's manifest ref on a blob for one round, then back.
good=$(git -C "$remote" rev-parse "$ref")
git -C "$remote" update-ref "$ref" "$(echo hi | git -C "$remote" hash-object -w --stdin)"
expect_exit 0 mlops exp status "$sweep"
git -C "$remote" update-ref "$ref" "$good"
mkdir "$TEST_DIR/node"
for i in 0 1; do
  (cd / && SLURM_ARRAY_TASK_ID=$i TMPDIR=$TEST_DIR/node sh -c "$(sed -n 5p "$FAKE_SLURM_DIR/jobs/101")") >"$TEST_DIR/task.out" 2>"$TEST_DIR/task.err" ||
    fail "task $i: $(cat "$TEST_DIR/task.err")"
  echo COMPLETED >"$FAKE_SLURM_DIR/state/101_$i"
done
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' completed,completed
expect_not_contains "$TEST_DIR/err" "cannot fetch"
