#!/usr/bin/env bash
# The run cache and the data through S3 (s3rver on loopback, and moto where installed, which
# checks every signature): one clone pushes its data, outputs and run cache; a fresh clone with
# an empty store runs no command with `mlops repro --pull`, also for a stage its lock calls
# stale but that the first machine computed; a second push sends no blob.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
server=${MLOPS_CACHE_S3_SERVER:-S3}
use_test_server "$server"
use_s3 "$server"

pipeline_project p
cd p
prefix="cache-$$-$RANDOM"
printf 'remotes: {shared: {url: "s3://%s/%s"}}\ndefault_remote: shared\n' "$BUCKET" "$prefix" >>mlops.yaml
mkdir -p data/dir && mv raw.csv data/ && sed -i 's/raw.csv/data\/raw.csv/g' mlops.yaml
# Past 256 wanted blobs: the second push lists the remote (ListObjects, paged) instead of HEADs.
for i in $(seq 1 1100); do echo "$i" >"data/dir/$i"; done
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
expect_exit 0 mlops data add data/raw.csv
expect_exit 0 mlops data add data/dir
expect_exit 0 mlops repro
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml && expect_exit 0 mlops repro
expect_exit 0 mlops --json cache push --run-cache -j 8
[ "$(jq -r .blobs_sent "$TEST_DIR/out")" -ge 1103 ] || fail "the push sent too few blobs"
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .blobs_sent 0
git add -A && git commit -qm pipeline
cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/ci-store"
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.ran | length' 0
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
expect_eq "$(cat data/dir/1100)" 1100 "data pulled"
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.restored | join(",")' train
[ ! -e runs.log ] || fail "commands ran: $(cat runs.log)"
expect_exit 0 mlops cache fsck
