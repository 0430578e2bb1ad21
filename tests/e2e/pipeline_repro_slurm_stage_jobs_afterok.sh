#!/usr/bin/env bash
# repro --executor slurm: each stage that must run is one sbatch job running `mlops repro
# --single-item STAGE` in the project, after its upstream's job (--dependency=afterok,
# --kill-on-invalid-dep=yes), with executors.slurm's resources under the stage's own `resources:`;
# the job records the stage in mlops.lock. Up to date: nothing submitted. Detached by default
# (STAGE JOB lines); --wait reports, from mlops.lock, what ran, what failed and what was not run.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

pipeline_project p
cd p
sed -i 's/^  train:$/  train:\n    resources: {cpus: 2, mem: 1G, time: "10:00"}/' mlops.yaml
printf 'executors:\n  slurm:\n    partition: debug\n    mem: 4G\n' >>mlops.yaml
FAKE_SLURM_RUN=1 expect_exit 0 mlops repro --executor slurm --wait
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'prepare 100\ntrain 101')" "stage and job lines"
expect_eq "$(runs_since 0)" "prepare train" "stages run by the jobs"
sbatch=$(grep '^sbatch' "$FAKE_SLURM_DIR/calls")
expect_eq "$(wc -l <<<"$sbatch")" 2 "sbatch calls"
prepare=$(sed -n 1p <<<"$sbatch")
train=$(sed -n 2p <<<"$sbatch")
for w in --partition=debug --mem=4G "--chdir=$PWD" "repro' '--single-item' '--' 'prepare'"; do
  [[ $prepare == *"$w"* ]] || fail "prepare's sbatch lacks $w: $prepare"
done
[[ $prepare != *--dependency* ]] || fail "prepare depends on nothing: $prepare"
for w in --dependency=afterok:100 --kill-on-invalid-dep=yes --cpus-per-task=2 --mem=1G --time=10:00 --partition=debug \
  "'--' 'train'" --export=PATH,HOME; do
  [[ $train == *"$w"* ]] || fail "train's sbatch lacks $w: $train"
done
[[ $train != *--export=ALL* ]] || fail "never --export=ALL"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0

# Up to date: no job.
: >"$FAKE_SLURM_DIR/calls"
expect_exit 0 mlops repro --executor slurm
expect_not_contains "$FAKE_SLURM_DIR/calls" sbatch
expect_contains "$TEST_DIR/err" "up to date"

# A changed dep: prepare must run, and train after it (decided on the node), detached.
printf 'c\n' >>raw.csv
expect_exit 0 mlops repro --executor slurm
expect_eq "$(cat "$TEST_DIR/out")" "$(printf 'prepare 102\ntrain 103')" "stage and job lines"
expect_contains "$FAKE_SLURM_DIR/calls" "--dependency=afterok:102"
expect_exit 0 mlops --json repro --executor slurm --dry
expect_json "$TEST_DIR/out" '.ran | join(",")' "prepare,train"
expect_json "$TEST_DIR/out" '.jobs | length' 0

# A failing stage: its job fails, the one after it is cancelled by the scheduler, not run.
sed -i 's/echo prepare >> runs.log \&\&/echo prepare >> runs.log \&\& false \&\&/' mlops.yaml
mark=$(wc -l <runs.log)
FAKE_SLURM_RUN=1 expect_exit 1 mlops --json repro --executor slurm --wait
expect_json "$TEST_DIR/out" '.failed | join(",")' prepare
expect_json "$TEST_DIR/out" '.not_run | join(",")' train
expect_eq "$(runs_since "$mark")" "prepare" "stages run by the jobs"
expect_contains "$TEST_DIR/err" "stage 'prepare' failed: job 104 (FAILED)"
