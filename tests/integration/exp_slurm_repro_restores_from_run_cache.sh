#!/usr/bin/env bash
# repro --executor slurm --wait on a real Slurm after a local run whose outputs were removed:
# both stages are restored from the run cache here and no job is submitted (none in the queue
# or in the --json jobs list). A changed second stage submits only that stage, which runs.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

slurm_pipeline_project p
expect_exit 0 mlops repro
rm prepared.csv model.bin
mark=$(wc -l <runs.log)
timeout 200 "$MLOPS" --json repro --executor slurm --wait >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "repro: $(cat "$TEST_DIR/err")"
expect_json "$TEST_DIR/out" '.jobs | length' 0
expect_json "$TEST_DIR/out" '.restored | join(",")' prepare,train
expect_eq "$(squeue -h -n mlops-stage-prepare,mlops-stage-train -o %i | wc -l)" 0 "jobs in the queue"
expect_eq "$(runs_since "$mark")" "" "nothing ran"
expect_file model.bin
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0

sed -i 's/cat prepared.csv > model.bin/cat prepared.csv prepared.csv > model.bin/' mlops.yaml
timeout 200 "$MLOPS" --json repro --executor slurm --wait >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "repro: $(cat "$TEST_DIR/err")"
expect_json "$TEST_DIR/out" '[.jobs[].stage] | join(",")' train
expect_json "$TEST_DIR/out" '.ran | join(",")' train
expect_eq "$(runs_since "$mark")" "train" "only train ran"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0
