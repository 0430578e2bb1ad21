#!/usr/bin/env bash
# AWS credentials from the environment go into request headers: a line break in one would
# inject headers (curl sends a header line as given), so it is refused before any request
# (exit 2), without echoing the value. An AWS_PROFILE with a line break is shown escaped,
# the error staying one line.
. "$(dirname "$0")/harness.sh"
package_project
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION
export AWS_SHARED_CREDENTIALS_FILE=$TEST_DIR/credentials AWS_CONFIG_FILE=$TEST_DIR/config

AWS_ACCESS_KEY_ID=K AWS_SECRET_ACCESS_KEY=hunter2 AWS_SESSION_TOKEN=$'tok3n\r\nX-Injected: 1' \
  expect_exit 2 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
expect_contains "$TEST_DIR/err" "AWS_SESSION_TOKEN"
expect_not_contains "$TEST_DIR/err" tok3n
expect_not_contains "$TEST_DIR/err" hunter2

AWS_ACCESS_KEY_ID=$'K\nX-Injected: 1' AWS_SECRET_ACCESS_KEY=hunter2 \
  expect_exit 2 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
expect_contains "$TEST_DIR/err" "AWS_ACCESS_KEY_ID"

AWS_PROFILE=$'nope\nmlops: done' expect_exit 3 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
