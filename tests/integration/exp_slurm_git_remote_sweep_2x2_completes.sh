#!/usr/bin/env bash
# A 2x2 sweep sent to Slurm through a git daemon (--remote): the tasks start in /tmp, fetch the sweep and their snapshot from the daemon, and push their runs back; the submitting repository is moved away once sbatch answered, and a fresh clone of the daemon's repository waits for the sweep and finds four completed runs.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm
use_test_server GIT_DAEMON

daemon_repo sweep

exp_repo a
cd a
timeout 60 git push -q "$url" main
# shellcheck disable=SC2016  # expanded by the task's shell
expect_exit 0 mlops exp run --executor slurm --remote "$url" -S lr=0.1,0.01 -S depth=3,4 -- \
  sh -c 'printf "{\"acc\": %s}\n" "$(sed -n "s/^depth: //p" params.yaml)" >metrics.json'
sweep=$(cat "$TEST_DIR/out")
expect_eq "$(git -C "$bare" show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r .remote)" "$url" "the manifest's remote"
cd "$TEST_DIR"
mv a away # the tasks never needed it

timeout 60 git clone -q "$url" fresh
cd fresh
wait_sweep "$sweep" || fail "exp wait: $(cat "$TEST_DIR/err")"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | unique | join(",")' completed
expect_json "$TEST_DIR/out" .ok true
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" "[.[] | select(.sweep == \"$sweep\" and .status == \"completed\")] | length" 4
expect_json "$TEST_DIR/out" '[.[] | "\(.params.lr)/\(.params.depth)/\(.metrics.acc.last)"] | sort | join(" ")' "0.01/3/3 0.01/4/4 0.1/3/3 0.1/4/4"
expect_eq "$(git -C "$bare" for-each-ref refs/mlops/exps | wc -l)" 4 "runs on the daemon"
expect_eq "$(git -C "$bare" for-each-ref refs/mlops/snapshots | wc -l)" 0 "snapshot refs left on the daemon (removed by exp wait)"
(cd "$bare" && expect_fsck_clean)
# The tasks' scratch is gone.
expect_eq "$(find "$TMPDIR" -maxdepth 1 -name 'mlops-*' | wc -l)" 0 "scratch left in TMPDIR"
rm -rf -- "$bare" /tmp/mlops-"$sweep"-*.log
