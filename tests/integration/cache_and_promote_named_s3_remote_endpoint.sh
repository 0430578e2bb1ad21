#!/usr/bin/env bash
# A named s3:// remote whose endpoint only its mlops.yaml entry carries (no AWS_ENDPOINT_URL*,
# no --endpoint) is reached by cache push, cache fetch and model promote/list --remote, as by
# push (moto on loopback, which checks every signature, else s3rver). cache gc --remote is left
# to the e2e scenario remote_named_settings_reach_cache_model_repro: moto 5.2 refuses the
# signature of every ListObjects whose prefix holds a '/', botocore's own included (boto3's
# list_objects(Prefix="r/") against moto 5.2.1: SignatureDoesNotMatch; Prefix="r" passes).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_s3_server
endpoint=$AWS_ENDPOINT_URL_S3
unset AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL

pipeline_project p
cd p
expect_exit 0 mlops repro
expect_exit 0 mlops remote add shared "s3://$BUCKET/cache" --endpoint "$endpoint"
expect_exit 0 mlops --json cache push shared --run-cache
[ "$(jq -r .blobs_sent "$TEST_DIR/out")" -ge 2 ] || fail "the push sent too few blobs"
expect_exit 0 mlops --json cache push shared
expect_json "$TEST_DIR/out" .blobs_sent 0
MLOPS_HOME="$TEST_DIR/other-store" expect_exit 0 mlops --json cache fetch shared
[ "$(jq -r .blobs_fetched "$TEST_DIR/out")" -ge 2 ] || fail "the fetch got too few blobs"
cd ..

package_project
cd proj
expect_exit 0 mlops remote add shared "s3://$BUCKET/models" --endpoint "$endpoint"
expect_exit 0 mlops push demo:1.0 shared
expect_exit 0 mlops --json model promote demo:1.0 --alias prod --remote shared
expect_json "$TEST_DIR/out" .remote.tag "s3://$BUCKET/models/demo:prod"
expect_exit 0 mlops --json model list --remote shared
expect_json "$TEST_DIR/out" '.[0].state' same
