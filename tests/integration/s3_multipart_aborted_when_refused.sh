#!/usr/bin/env bash
# A multipart upload the server refuses (moto, like AWS, refuses parts under 5 MiB when the
# upload is completed: EntityTooSmall) is given up: AbortMultipartUpload is sent, so no parts
# stay stored (and billed), the journal is removed, and the error is one line, exit 5.
# Needs moto_server (s3rver has no AbortMultipartUpload and accepts small parts).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server MOTO
use_s3 MOTO

package_project
export MLOPS_S3_MULTIPART_THRESHOLD=1000000 MLOPS_S3_PART_SIZE=600000
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/a"
expect_clean_error
expect_contains "$TEST_DIR/err" "EntityTooSmall"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi
s3_curl "$AWS_ENDPOINT_URL_S3/$BUCKET?uploads=" >uploads.xml
if grep -q '<UploadId>' uploads.xml; then cat uploads.xml >&2; fail "a multipart upload is still open"; fi
