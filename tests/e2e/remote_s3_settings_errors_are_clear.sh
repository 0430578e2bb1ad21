#!/usr/bin/env bash
# s3:// settings that cannot work fail before any request, in one line with the documented
# code and no secret: plain http to a host off loopback (exit 2), half a key pair in the
# environment (2), an endpoint that is not SCHEME://HOST[:PORT] (2), a named profile that is
# in no file (3), a damaged credentials file (4, FILE:LINE).
. "$(dirname "$0")/harness.sh"
package_project
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION
export AWS_SHARED_CREDENTIALS_FILE=$TEST_DIR/credentials AWS_CONFIG_FILE=$TEST_DIR/config

AWS_ENDPOINT_URL_S3=http://s3.example.com expect_exit 2 mlops push demo:1.0 s3://bucket/x
expect_clean_error
expect_contains "$TEST_DIR/err" "refusing plain http"

AWS_SECRET_ACCESS_KEY=hunter2 expect_exit 2 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
expect_contains "$TEST_DIR/err" "without AWS_ACCESS_KEY_ID"
expect_not_contains "$TEST_DIR/err" hunter2

expect_exit 2 mlops pull s3://bucket/x/demo:1.0 --endpoint "http://user:hunter2@127.0.0.1:9"
expect_clean_error
expect_not_contains "$TEST_DIR/err" hunter2

AWS_PROFILE=nope expect_exit 3 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
expect_contains "$TEST_DIR/err" "'nope'"

printf '[default]\naws_access_key_id = K\naws_secret_access_key = hunter2\nbroken line\n' >"$TEST_DIR/credentials"
expect_exit 4 mlops push demo:1.0 s3://bucket/x --endpoint http://127.0.0.1:9
expect_clean_error
expect_contains "$TEST_DIR/err" "credentials:4:"
expect_not_contains "$TEST_DIR/err" hunter2
