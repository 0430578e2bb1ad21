#!/usr/bin/env bash
# repro --executor slurm --pull: the default remote is fetched first and its run cache asked,
# as repro --pull does; a fresh clone with its own store submits no job for what was computed
# elsewhere, and submits what nobody computed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

pipeline_project p
cd p
printf 'remotes: {shared: {url: "file://%s/remote"}}\ndefault_remote: shared\n' "$TEST_DIR" >>mlops.yaml
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
expect_exit 0 mlops repro
# Also lr 0.2, then back: its outputs live only in the run cache.
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml && expect_exit 0 mlops repro
expect_exit 0 mlops cache push --run-cache
git add -A && git commit -qm pipeline
cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/other-store"

sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops --json repro --executor slurm --pull
expect_json "$TEST_DIR/out" '.restored | join(",")' train
expect_json "$TEST_DIR/out" '.jobs | length' 0
expect_not_contains "$FAKE_SLURM_DIR/calls" sbatch
expect_no_path runs.log
expect_file model.bin

sed -i 's/lr: 0.2/lr: 0.3/' params.yaml
expect_exit 0 mlops --json repro --executor slurm --pull
expect_json "$TEST_DIR/out" '[.jobs[].stage] | join(",")' train
expect_json "$TEST_DIR/out" '.restored | length' 0
