#!/usr/bin/env bash
# A push killed with SIGKILL in the middle of a multipart upload (the proxy holds part 4 back,
# the journal already lists parts 1-3) is continued by the next push: parts 1-3 are not sent
# again, the object is the blob byte for byte (the pull verifies it), and no journal is left.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server S3
use_s3 S3

make_package_project proj
size=6000000
head -c $size /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
export MLOPS_S3_MULTIPART_THRESHOLD=1000000 MLOPS_S3_PART_SIZE=1000000

start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --stall-after-bytes 3300000 --stall-seconds 120
export AWS_ENDPOINT_URL_S3=$PROXY_URL
"$MLOPS" push demo:1.0 "s3://$BUCKET/k" --jobs 1 >push1.out 2>push1.err &
pid=$!
KILL_ON_EXIT+=("$pid")
parts=0
for _ in $(seq 1 600); do
  journal=$(find "$MLOPS_HOME/mlops/uploads" -name 's3-*.json' 2>/dev/null | head -1 || true)
  [ -n "$journal" ] && parts=$(jq '.parts | length' "$journal" 2>/dev/null || echo 0)
  [ "$parts" -ge 3 ] && break
  sleep 0.1
done
[ "$parts" -ge 3 ] || { cat push1.err >&2; fail "the journal never listed 3 parts"; }
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
up1=$(proxy_stat up)

expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/k" --jobs 1
up=$(($(proxy_stat up) - up1))
[ "$up" -lt $((size / 2 + 300000)) ] || fail "the push after the kill sent $up bytes: it restarted instead of resuming"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi
expect_exit 0 mlops pull "s3://$BUCKET/k/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "k/demo:1.0"
