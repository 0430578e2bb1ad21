#!/usr/bin/env bash
# The continuous-training loop across machines: one clone runs the pipeline and pushes its
# data, outputs and run cache to a file:// remote; a fresh clone with its own store runs ZERO
# commands with `mlops repro --pull`, also for a stage whose lock entry is stale but whose
# inputs were computed elsewhere (the remote's run cache, one request per stage).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
printf 'remotes: {shared: {url: "file://%s/remote"}}\ndefault_remote: shared\n' "$TEST_DIR" >>mlops.yaml
mkdir data && mv raw.csv data/ && sed -i 's/raw.csv/data\/raw.csv/g' mlops.yaml
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
expect_exit 0 mlops data add data/raw.csv
expect_exit 0 mlops repro
# Also compute lr 0.2 here, then go back: its outputs live only in the run cache.
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml && expect_exit 0 mlops repro
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" '.runs_sent >= 3' true
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .blobs_sent 0
git add -A && git commit -qm pipeline
cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/ci-store"
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.ran | length' 0
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
# A stage stale against the lock, computed on the other machine: restored, not run.
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.restored | join(",")' train
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
# Something nobody computed runs.
sed -i 's/lr: 0.2/lr: 0.3/' params.yaml
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.ran | join(",")' train
