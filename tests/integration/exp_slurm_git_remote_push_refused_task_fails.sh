#!/usr/bin/env bash
# A sweep through a git daemon whose pre-receive hook refuses runs: each task runs its point, its push is refused, and it exits 5 with the daemon's reason in its Slurm log and on the daemon; exp wait ends with the points failed (exit 1), each with that reason.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm
use_test_server GIT_DAEMON

daemon_repo sweep
cat >"$bare/hooks/pre-receive" <<'HOOK'
#!/bin/sh
while read -r old new ref; do
  case $ref in refs/mlops/exps/*) echo "runs are not accepted here" >&2; exit 1 ;; esac
done
HOOK
chmod 755 "$bare/hooks/pre-receive"

exp_repo a
cd a
timeout 60 git push -q "$url" main
expect_exit 0 mlops exp run --executor slurm --remote "$url" -S lr=0.1,0.01 -- sh -c 'echo ran'
sweep=$(cat "$TEST_DIR/out")
expect_exit 1 timeout 120 "$MLOPS" --json exp wait "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | unique | join(",")' failed
# Each task left the daemon's reason under a ref the hook lets through; exp wait shows it.
expect_json "$TEST_DIR/out" '[.points[].reason | test("refused its record.*declined")] | all' true
expect_eq "$(git -C "$bare" for-each-ref "refs/mlops/sweep-failures/$sweep" | wc -l)" 2 "failure refs on the daemon"
expect_eq "$(git -C "$bare" for-each-ref refs/mlops/exps | wc -l)" 0 "runs on the daemon"
job=$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r '.submissions[0].job')
for t in 0 1; do
  log=/tmp/mlops-$sweep-${job}_$t.log
  expect_file "$log"
  expect_contains "$log" "refused its record"
  expect_contains "$log" "declined"
done
rm -rf -- "$bare" /tmp/mlops-"$sweep"-*.log
