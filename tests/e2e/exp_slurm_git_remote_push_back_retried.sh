#!/usr/bin/env bash
# A task of a sweep with a git remote that cannot reach the remote when it pushes its run back
# tries again after 2, 4 and 8 s: the remote back within that time, the run lands there and the
# task exits 0; still away after the fourth attempt, the task exits 5 saying so. (The command
# itself moves the remote away, after the task fetched its snapshot.)
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

# shellcheck disable=SC2016  # expanded by the task's shell
git_remote_sweep -S lr=0.1,0.2 -- sh -c 'mv "$REMOTE_DIR" "$REMOTE_DIR.away"'
wrap=$(sed -n 5p "$FAKE_SLURM_DIR/jobs/100")
mkdir "$TEST_DIR/node"
task() { (cd / && REMOTE_DIR=$remote SLURM_ARRAY_TASK_ID=$1 TMPDIR=$TEST_DIR/node sh -c "$wrap") >"$TEST_DIR/task$1.out" 2>"$TEST_DIR/task$1.err"; }

# Point 0: the remote comes back once the first push has failed.
task 0 &
pid=$!
KILL_ON_EXIT+=("$pid")
for _ in $(seq 600); do
  grep -q "trying again in 2 s" "$TEST_DIR/task0.err" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
expect_contains "$TEST_DIR/task0.err" "trying again in 2 s"
mv "$remote.away" "$remote"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 0 ] || { cat "$TEST_DIR/task0.err" >&2; fail "task 0 exited $rc"; }
run0=$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r '.points[0].run')
expect_eq "$(git -C "$remote" for-each-ref --format='%(refname)' refs/mlops/exps)" "refs/mlops/exps/$run0" "the runs on the remote"

# Point 1: the remote stays away; four attempts, then exit 5 and the reason.
rc=0
task 1 || rc=$?
expect_eq "$rc" 5 "the exit code of the task that could not push"
expect_eq "$(grep -c "trying again in" "$TEST_DIR/task1.err")" 3 "retries"
expect_contains "$TEST_DIR/task1.err" "4 attempts"
expect_eq "$(find "$TEST_DIR/node" -mindepth 1 | wc -l)" 0 "scratch left on the node"
