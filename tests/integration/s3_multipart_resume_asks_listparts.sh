#!/usr/bin/env bash
# The multipart resume against moto_server, which has ListParts (and checks signatures, also of
# the requests that pass through the proxy): after a run that gave up on part 2, the next run
# asks the server which parts it holds and sends only the other two (5 MiB parts, 12 MB blob).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server MOTO
use_s3 MOTO

make_package_project proj
size=12000000
head -c $size /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
export MLOPS_S3_MULTIPART_THRESHOLD=6000000 MLOPS_S3_PART_SIZE=5242880 MLOPS_HTTP_BACKOFF_MS=20

# Parts 4.. answer 503 until the client's attempts (6) run out.
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --status 503 --retry-after 0 --match '^PUT .*partNumber' --skip 1 --times 6
export AWS_ENDPOINT_URL_S3=$PROXY_URL
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/r" --jobs 1
expect_clean_error
expect_contains "$TEST_DIR/err" "HTTP 503"
[ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ] || fail "no upload journal left for the next run"
expect_eq "$(proxy_stat injected)" 6 "503 answers before the first run gave up"
up1=$(proxy_stat up)

expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/r" --jobs 1
up=$(($(proxy_stat up) - up1))
[ "$up" -lt $((size - 5242880 + 300000)) ] || fail "the second run sent $up bytes: it restarted instead of resuming after part 1"
[ "$up" -gt $((size - 5242880 - 100000)) ] || fail "the second run sent only $up bytes"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi

expect_exit 0 mlops --json pull "s3://$BUCKET/r/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "r/demo:1.0"
