#!/usr/bin/env bash
# repro --executor slurm asks the run cache before it submits: a stage whose inputs an earlier
# run had is restored here and recorded in mlops.lock, never submitted; a stage after it is
# decided with the restored outputs in place (restored too, or submitted with no dependency on
# a job). --dry says which would be restored and which submitted; --force submits.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

pipeline_project p
cd p
expect_exit 0 mlops repro
lock=$(cat mlops.lock)
mark=$(wc -l <runs.log)
rm prepared.csv model.bin

expect_exit 0 mlops --json repro --executor slurm --dry
expect_json "$TEST_DIR/out" '.restored | join(",")' prepare
expect_json "$TEST_DIR/out" '.ran | join(",")' train
expect_json "$TEST_DIR/out" '.jobs | length' 0
expect_contains "$TEST_DIR/err" "would restore prepare"
expect_contains "$TEST_DIR/err" "would submit train: an upstream stage would be restored first"
expect_no_path prepared.csv

expect_exit 0 mlops --json repro --executor slurm
expect_json "$TEST_DIR/out" '.restored | join(",")' prepare,train
expect_json "$TEST_DIR/out" '.jobs | length' 0
expect_not_contains "$FAKE_SLURM_DIR/calls" sbatch
expect_eq "$(runs_since "$mark")" "" "nothing ran"
expect_file model.bin
expect_eq "$(cat mlops.lock)" "$lock" "mlops.lock records the restored outputs"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"

# A changed second stage, its upstream's outputs gone: prepare restored, only train submitted,
# decided against the restored prepared.csv (its command changed, not a missing dep).
sed -i 's/cat prepared.csv > model.bin/cat prepared.csv prepared.csv > model.bin/' mlops.yaml
rm prepared.csv
expect_exit 0 mlops --json repro --executor slurm
expect_json "$TEST_DIR/out" '.restored | join(",")' prepare
expect_json "$TEST_DIR/out" '[.jobs[].stage] | join(",")' train
expect_eq "$(grep -c '^sbatch' "$FAKE_SLURM_DIR/calls")" 1 "sbatch calls"
expect_not_contains "$FAKE_SLURM_DIR/calls" --dependency
expect_contains "$TEST_DIR/err" "submitted train: job 100 (command changed: was"

# --force runs (submits) even what the run cache holds.
: >"$FAKE_SLURM_DIR/calls"
expect_exit 0 mlops --json repro --executor slurm --force prepare
expect_json "$TEST_DIR/out" '[.jobs[].stage] | join(",")' prepare
expect_json "$TEST_DIR/out" '.restored | length' 0
