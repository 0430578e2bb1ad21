#!/usr/bin/env bash
# exp run --executor slurm --remote: the nodes share no filesystem with the client. The sweep and
# its snapshots are pushed to the git remote before sbatch; each task (run here from another
# directory, with the submitting repository moved away) fetches them into scratch it removes,
# runs its point and pushes the run back; a fresh clone of the remote reads all four points of the
# 2x2 sweep with exp status, and so does the submitting clone, whose exp wait then removes the
# snapshot refs here and on the remote.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

remote=$TEST_DIR/remote.git
exp_repo_on_remote a "$remote"
# shellcheck disable=SC2016  # expanded by the task's shell
expect_exit 0 mlops exp run --executor slurm --remote "file://$remote" -S lr=0.1,0.2 -S depth=3,5 -- \
  sh -c 'printf "{\"acc\": %s}\n" "$(sed -n "s/^depth: //p" params.yaml)" >metrics.json'
sweep=$(cat "$TEST_DIR/out")
# On the remote before any task: the manifest, naming the remote, and every point's snapshot.
expect_eq "$(git -C "$remote" show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r .remote)" "file://$remote" "the manifest's remote"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/snapshots/$sweep" | wc -l)" 4 "snapshot refs on the remote"
job=$FAKE_SLURM_DIR/jobs/100
expect_eq "$(sed -n 4p "$job")" /tmp "the task's directory"
wrap=$(sed -n 5p "$job")
case $wrap in *"--remote"*"file://$remote"*) ;; *) fail "the batch script does not name the remote: $wrap" ;; esac
expect_contains "$FAKE_SLURM_DIR/calls" "--output=/tmp/mlops-$sweep-%A_%a.log"

# The "cluster": the submitting repository is gone; each task starts elsewhere with its own TMPDIR.
cd "$TEST_DIR"
mv a away
mkdir node
for i in 0 1 2 3; do
  (cd / && SLURM_ARRAY_TASK_ID=$i TMPDIR=$TEST_DIR/node sh -c "$wrap") >"$TEST_DIR/task$i.out" 2>"$TEST_DIR/task$i.err" ||
    { cat "$TEST_DIR/task$i.err" >&2; fail "task $i failed"; }
done
expect_eq "$(find node -mindepth 1 | wc -l)" 0 "scratch left on the node"
expect_eq "$(git -C "$remote" for-each-ref refs/mlops/exps | wc -l)" 4 "runs pushed back"
(cd "$remote" && expect_fsck_clean)

# Any clone of the remote follows the sweep (the manifest fetched from origin, runs pulled).
git clone -q "$remote" fresh
cd fresh
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" .ok true
expect_json "$TEST_DIR/out" .finished true
expect_eq "$(jq -r '[.points[].state] | join(" ")' "$TEST_DIR/out")" "completed completed completed completed" "states in the fresh clone"
expect_eq "$(mlops --json exp list --all | jq -r 'map(.metrics.acc.last) | sort | join(" ")')" "3 3 5 5" "the points' metrics"
run0=$(jq -r '.points[0].run' "$TEST_DIR/out")
expect_eq "$(exp_field "$run0" .sweep)" "$sweep" "the run's sweep"
expect_exit 0 mlops exp show "$run0"

# The submitting clone, back in place, sees the same.
cd "$TEST_DIR"
mv away a
cd a
expect_exit 0 mlops --json exp wait "$sweep"
expect_json "$TEST_DIR/out" .ok true
# Every point has its run: the snapshot refs went, here and on the remote (the runs keep the
# snapshots: each run commit has its snapshot as parent).
expect_eq "$(git for-each-ref "refs/mlops/snapshots/$sweep" | wc -l)" 0 "snapshot refs left here"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/snapshots/$sweep" | wc -l)" 0 "snapshot refs left on the remote"
expect_exit 0 mlops exp show "$run0"
(cd "$remote" && git gc -q --prune=now && expect_fsck_clean)
expect_exit 0 mlops exp pull "file://$remote"
