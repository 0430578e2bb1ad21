#!/usr/bin/env bash
# A multipart upload that failed midway (the server kept answering 503 to its part uploads and
# the process gave up with exit 5) continues in the next process from the upload journal in the
# store: the parts that went up are not sent again (s3rver has no ListParts, so the journal's
# part list is used; moto's ListParts is exercised by the abort test), and the object that
# results is the blob, byte for byte.
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
export MLOPS_S3_MULTIPART_THRESHOLD=1000000 MLOPS_S3_PART_SIZE=1000000 MLOPS_HTTP_BACKOFF_MS=20

# Parts 4.. answer 503 until the client's attempts (6) run out.
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --status 503 --retry-after 0 --match '^PUT .*partNumber' --skip 3 --times 6
export AWS_ENDPOINT_URL_S3=$PROXY_URL
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/r" --jobs 1
expect_clean_error
expect_contains "$TEST_DIR/err" "HTTP 503"
[ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ] || fail "no upload journal left for the next run"
expect_eq "$(proxy_stat injected)" 6 "503 answers before the first run gave up"
up1=$(proxy_stat up)

expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/r" --jobs 1
up=$(($(proxy_stat up) - up1))
[ "$up" -lt $((size / 2 + 300000)) ] || fail "the second run sent $up bytes: it restarted instead of resuming after 3 parts"
[ "$up" -gt $((size / 2 - 100000)) ] || fail "the second run sent only $up bytes"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi

expect_exit 0 mlops --json pull "s3://$BUCKET/r/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "r/demo:1.0"
