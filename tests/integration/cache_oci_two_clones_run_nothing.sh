#!/usr/bin/env bash
# The run cache and the data through an OCI registry (docker-registry 2.8 on loopback): one
# clone pushes its data and outputs (blobs of the repository mlops-cache) and its run cache
# (each entry an artifact manifest tagged run-<key>); a fresh clone with an empty store runs no
# command with `mlops repro --pull`, also for a stage its lock calls stale but that the first
# clone computed; a second push sends no blob.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI
base="ct$$-$RANDOM"

pipeline_project p
cd p
printf 'remotes: {shared: {url: "oci://%s/%s"}}\ndefault_remote: shared\n' "$MLOPS_TEST_OCI_HOST" "$base" >>mlops.yaml
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
expect_exit 0 mlops data add raw.csv
expect_exit 0 mlops repro
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml && expect_exit 0 mlops repro
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .runs_sent 3
curl -sSf "$MLOPS_TEST_OCI_URL/v2/$base/mlops-cache/tags/list" >tags.json || fail "the registry lists no tags"
expect_eq "$(jq '[.tags[] | select(startswith("run-"))] | length' tags.json)" 3 "run-cache tags on the registry"
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .blobs_sent 0
rm tags.json
git add -A && git commit -qm pipeline

cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/ci-store"
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.ran | length' 0
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
expect_eq "$(cat raw.csv)" "$(cat ../p/raw.csv)" "data pulled"
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.restored | join(",")' train
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
expect_exit 0 mlops cache fsck
