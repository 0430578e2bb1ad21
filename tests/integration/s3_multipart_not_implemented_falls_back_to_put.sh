#!/usr/bin/env bash
# An S3-compatible server without multipart upload (it answers the initiation with 501
# NotImplemented) gets a blob over the multipart threshold in one PUT instead: the push
# completes, nothing is left in the upload journal, and the blob pulls back verified.
# The fault proxy gives the 501 in front of the S3 server (moto, else s3rver; both have multipart).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_s3_server
package_project
export MLOPS_S3_MULTIPART_THRESHOLD=1000000 MLOPS_S3_PART_SIZE=600000
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --status 501 --match '^POST .*[?&]uploads' --times 1000 \
  --body '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code><Message>no multipart here</Message></Error>'
expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/team" --endpoint "$PROXY_URL"
[ "$(proxy_stat injected)" -ge 1 ] || fail "the multipart initiation was never asked for"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi
if grep -q "partNumber" "$TEST_DIR/proxy0.log" 2>/dev/null; then fail "a part was sent"; fi
expect_exit 0 mlops pull "s3://$BUCKET/team/demo:1.0" --store "$TEST_DIR/other"
MLOPS_HOME="$TEST_DIR/other" expect_exit 0 mlops package verify team/demo:1.0
# A 501 to a part upload (after the initiation was accepted) is not this fallback: exit 5.
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --status 501 --match '^PUT .*partNumber' --times 1000
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/parts"
