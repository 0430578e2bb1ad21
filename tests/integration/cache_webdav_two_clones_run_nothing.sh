#!/usr/bin/env bash
# The run cache and the data through an http:// WebDAV store (nginx, Basic auth from
# ~/.netrc): one clone pushes its data, outputs and run cache (runs/<key>.json beside the
# blobs, PUT then MOVE); a fresh clone with an empty store runs no command with
# `mlops repro --pull`, also for a stage its lock calls stale but that the first clone computed;
# a second push sends no blob.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server WEBDAV

url=$MLOPS_TEST_WEBDAV_URL
host=${url#http://}
printf 'machine %s login %s password %s\n' "${host%:*}" "$MLOPS_TEST_WEBDAV_USER" "$MLOPS_TEST_WEBDAV_PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
base="ct$$-$RANDOM"

pipeline_project p
cd p
printf 'remotes: {shared: {url: "%s/%s"}}\ndefault_remote: shared\n' "$url" "$base" >>mlops.yaml
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
expect_exit 0 mlops data add raw.csv
expect_exit 0 mlops repro
sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && expect_exit 0 mlops repro
sed -i 's/lr: 0.2/lr: 0.1/' params.yaml && expect_exit 0 mlops repro
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .runs_sent 3
[ "$(find "$MLOPS_TEST_WEBDAV_ROOT/$base/mlops-cache/runs" -name '*.json' | wc -l)" = 3 ] ||
  fail "expected 3 run-cache entries on the server: $(find "$MLOPS_TEST_WEBDAV_ROOT/$base" | head)"
if find "$MLOPS_TEST_WEBDAV_ROOT/$base" -name '.upload-*' | grep -q .; then fail "temporary upload files left"; fi
expect_exit 0 mlops --json cache push --run-cache
expect_json "$TEST_DIR/out" .blobs_sent 0
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
