#!/usr/bin/env bash
# repro --executor slurm --wait on a real Slurm: two stages become two jobs, train after prepare
# (afterok); each job records its stage in mlops.lock, so the pipeline is up to date after. A
# failing prepare has train cancelled by the scheduler (--kill-on-invalid-dep), never run.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

slurm_pipeline_project p
timeout 200 "$MLOPS" repro --executor slurm --wait >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "repro: $(cat "$TEST_DIR/err")"
expect_eq "$(cut -d' ' -f1 "$TEST_DIR/out" | tr '\n' ' ')" "prepare train " "stages submitted"
expect_eq "$(tr '\n' ' ' <runs.log)" "prepare train " "train ran after prepare"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0
expect_file model.bin

sed -i 's/echo prepare >> runs.log \&\&/echo prepare >> runs.log \&\& false \&\&/' mlops.yaml
timeout 200 "$MLOPS" --json repro --executor slurm --wait >"$TEST_DIR/out" 2>"$TEST_DIR/err" && fail "repro should exit 1"
expect_json "$TEST_DIR/out" '.failed | join(",")' prepare
expect_json "$TEST_DIR/out" '.not_run | join(",")' train
expect_eq "$(tr '\n' ' ' <runs.log)" "prepare train prepare " "train did not run after the failed prepare"
