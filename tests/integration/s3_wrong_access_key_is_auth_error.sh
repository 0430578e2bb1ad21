#!/usr/bin/env bash
# A key the server does not know (s3rver checks the key id, not the signature) is a one-line
# auth error, exit 5, for push and pull alike; the secret appears in no output, not even with
# -vv; and an unknown bucket says so with a hint.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server S3
use_s3 S3

package_project
export AWS_ACCESS_KEY_ID=NOBODY AWS_SECRET_ACCESS_KEY=hunter2-s3-secret AWS_SESSION_TOKEN=hunter2-session
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/x"
expect_clean_error
expect_contains "$TEST_DIR/err" "refused the credentials from the environment"
expect_exit 5 mlops -vv --json push demo:1.0 "s3://$BUCKET/x"
expect_not_contains "$TEST_DIR/err" hunter2
expect_not_contains "$TEST_DIR/out" hunter2
expect_exit 5 mlops -vv pull "s3://$BUCKET/x/demo:1.0" --store "$TEST_DIR/second"
expect_not_contains "$TEST_DIR/err" hunter2
expect_contains "$TEST_DIR/err" "refused the credentials"

export AWS_ACCESS_KEY_ID=$MLOPS_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$MLOPS_TEST_S3_SECRET_KEY
unset AWS_SESSION_TOKEN
expect_exit 5 mlops push demo:1.0 "s3://no-such-bucket-$$/x"
expect_clean_error
expect_contains "$TEST_DIR/err" "does not exist"
