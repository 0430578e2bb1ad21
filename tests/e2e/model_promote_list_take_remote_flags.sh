#!/usr/bin/env bash
# model promote and model list take the options push and pull have for reaching a remote
# (--endpoint, --region, --ca-file, --plain-http), and they work the same way. No server: the
# -vv request log shows where the requests go.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret MLOPS_HTTP_BACKOFF_MS=1
export AWS_SHARED_CREDENTIALS_FILE=$TEST_DIR/none AWS_CONFIG_FILE=$TEST_DIR/none

package_project
cd proj
expect_exit 5 mlops -vv model promote demo:1.0 --alias prod --remote s3://models/team --endpoint http://127.0.0.1:7
expect_contains "$TEST_DIR/err" "http://127.0.0.1:7/models/team/demo/"
expect_exit 5 mlops -vv model promote demo:1.0 --alias prod --remote s3://models/team --region eu-west-3
expect_contains "$TEST_DIR/err" "s3.eu-west-3.amazonaws.com"
expect_exit 2 mlops model promote demo:1.0 --alias prod --remote oci://127.0.0.1:9/team --ca-file /etc
expect_contains "$TEST_DIR/err" "--ca-file /etc"
# Plain HTTP off loopback: refused (exit 2) unless --plain-http.
expect_exit 2 mlops model promote demo:1.0 --alias prod --remote http://nowhere.invalid/models
expect_contains "$TEST_DIR/err" "plain HTTP"
expect_exit 5 mlops model promote demo:1.0 --alias prod --remote http://nowhere.invalid/models --plain-http

expect_exit 0 mlops model promote demo:1.0 --alias staging
expect_exit 5 mlops -vv model list --remote s3://models/team --endpoint http://127.0.0.1:7
expect_contains "$TEST_DIR/err" "http://127.0.0.1:7/models/team/demo/"
expect_exit 5 mlops -vv model list --remote s3://models/team --region eu-west-3
expect_contains "$TEST_DIR/err" "s3.eu-west-3.amazonaws.com"
expect_exit 2 mlops model list --remote oci://127.0.0.1:9/team --ca-file /etc
expect_exit 2 mlops model list --remote http://nowhere.invalid/models
expect_exit 5 mlops model list --remote http://nowhere.invalid/models --plain-http
