#!/usr/bin/env bash
# A stage whose inputs (command, deps, params) match an earlier run gets that run's outputs
# back from the store instead of running; --no-run-cache runs it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
model_01=$(sha256sum model.bin)
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
# shellcheck disable=SC2016  # $(...) is for the stage's shell, not this one
sed -i 's/cat prepared.csv > model.bin/{ cat prepared.csv; echo lr $(grep lr params.yaml); } > model.bin/' mlops.yaml
expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml
expect_exit 0 mlops repro
model_new=$(sha256sum model.bin)
mark=$(wc -l <runs.log)
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops repro
expect_contains "$TEST_DIR/err" "restored train: outputs of an earlier run with the same inputs (run cache)"
expect_eq "$(runs_since "$mark")" "" "nothing ran"
expect_contains model.bin "lr lr: 0.2"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml
expect_exit 0 mlops --json repro
expect_json "$TEST_DIR/out" '.restored | join(",")' train
expect_eq "$(sha256sum model.bin)" "$model_new" "model for lr 0.1"
[ "$model_new" != "$model_01" ] || fail "the command change did not change the model"
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro --no-run-cache
expect_eq "$(runs_since "$mark")" "train" "--no-run-cache runs"
