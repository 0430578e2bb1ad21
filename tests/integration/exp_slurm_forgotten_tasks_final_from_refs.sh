#!/usr/bin/env bash
# With accounting off and MinJobAge short, Slurm forgets a sweep's finished tasks (squeue and scontrol no longer know the job): exp status still gives every point its final state from the run refs (a completed point, a point that exited 3), and asks the scheduler nothing.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

# MinJobAge=2 for this scenario only (the Slurm scenarios hold the slurm lock, one at a time);
# the fixture's configuration is put back however the scenario ends.
cp "$SLURM_CONF" "$TEST_DIR/slurm.conf.orig"
restore_conf() {
  cp "$TEST_DIR/slurm.conf.orig" "$SLURM_CONF" && scontrol reconfigure >/dev/null 2>&1
  return 0
}
trap 'rc=$?; restore_conf; (exit $rc); on_exit' EXIT
sed -i 's/^MinJobAge=.*/MinJobAge=2/' "$SLURM_CONF"
scontrol reconfigure || fail "scontrol reconfigure"
expect_eq "$(scontrol show config | awk '$1 == "MinJobAge" { print $3 }')" "2" "MinJobAge"

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2 -- sh -c 'if grep -q "lr: 0.2" params.yaml; then exit 3; fi'
sweep=$(cat "$TEST_DIR/out")
wait_sweep "$sweep" && fail "exp wait should exit 1"
job=$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -r '.submissions[0].job')
# slurmctld purges job records older than MinJobAge in a background pass (about once a minute).
for _ in $(seq 180); do
  scontrol show job "$job" >/dev/null 2>&1 || break
  sleep 1
done
if scontrol show job "$job" >/dev/null 2>&1; then fail "Slurm still knows job $job after 3 minutes"; fi
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] || fail "squeue still lists job $job"

expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' completed
expect_json "$TEST_DIR/out" '.points[1].state' failed
expect_json "$TEST_DIR/out" '.points[1].exit_code' 3
expect_json "$TEST_DIR/out" .finished true
# Every point final from its run: no scheduler query at all (a PATH whose squeue/sacct fail loudly).
mkdir "$TEST_DIR/noslurm"
for t in squeue sacct scontrol; do printf '#!/bin/sh\necho "%s called" >>"%s/calls"\nexit 1\n' "$t" "$TEST_DIR" >"$TEST_DIR/noslurm/$t"; done
chmod +x "$TEST_DIR"/noslurm/*
PATH=$TEST_DIR/noslurm:$PATH expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' completed,failed
[ ! -e "$TEST_DIR/calls" ] || fail "exp status asked the scheduler: $(cat "$TEST_DIR/calls")"
