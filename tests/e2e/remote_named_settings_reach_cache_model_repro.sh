#!/usr/bin/env bash
# A named remote's settings from mlops.yaml (endpoint, region) reach every command that takes a
# remote's name, not push/pull/copy alone: cache push/fetch/gc --remote, model promote --remote,
# model list --remote and repro --pull (the default remote); the command line's flags still win.
# No server: the -vv request log shows where the requests go.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret MLOPS_HTTP_BACKOFF_MS=1
export AWS_SHARED_CREDENTIALS_FILE=$TEST_DIR/none AWS_CONFIG_FILE=$TEST_DIR/none

# The pipeline's cache.
pipeline_project p
cd p
expect_exit 0 mlops repro
expect_exit 0 mlops remote add minio s3://models/team --endpoint http://127.0.0.1:9 --default
expect_exit 0 mlops remote add aws s3://models/team --region eu-west-3
expect_exit 5 mlops -vv cache push minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/"
expect_not_contains "$TEST_DIR/err" "amazonaws.com"
expect_exit 5 mlops -vv cache push
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/"
MLOPS_HOME="$TEST_DIR/empty-store" expect_exit 5 mlops -vv cache fetch minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/"
expect_exit 5 mlops -vv cache gc --remote minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/"
expect_exit 5 mlops -vv cache push aws
expect_contains "$TEST_DIR/err" "s3.eu-west-3.amazonaws.com"
# The flag wins over the remote's endpoint; cache has --region like push.
expect_exit 5 mlops -vv cache push minio --endpoint http://127.0.0.1:7
expect_contains "$TEST_DIR/err" "http://127.0.0.1:7/models/"
expect_not_contains "$TEST_DIR/err" "127.0.0.1:9"
expect_exit 5 mlops -vv cache push aws --region eu-north-1
expect_contains "$TEST_DIR/err" "s3.eu-north-1.amazonaws.com"
# repro --pull asks the default remote, with its endpoint.
MLOPS_HOME="$TEST_DIR/empty-store" expect_exit 5 mlops -vv repro --pull
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/"
expect_not_contains "$TEST_DIR/err" "amazonaws.com"
cd ..

# Model aliases on a remote.
package_project
cd proj
expect_exit 0 mlops remote add minio s3://models/team --endpoint http://127.0.0.1:9
expect_exit 5 mlops -vv model promote demo:1.0 --alias prod --remote minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/team/demo/"
expect_not_contains "$TEST_DIR/err" "amazonaws.com"
git rev-parse -q --verify refs/mlops/aliases/prod >/dev/null && fail "the alias moved although the remote part failed"
expect_exit 0 mlops model promote demo:1.0 --alias staging
expect_exit 5 mlops -vv model list --remote minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/team/demo/"
expect_not_contains "$TEST_DIR/err" "amazonaws.com"
