#!/usr/bin/env bash
# `mlops remote add NAME URL --endpoint/--region/--ca-file/--plain-http` keeps the settings in
# mlops.yaml (shown by `remote list`); push/pull use them when the remote is named, and the
# command line's flags win over them. No server: the -vv request log shows where requests go.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd "$TEST_DIR/proj"
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_REGION AWS_DEFAULT_REGION AWS_PROFILE
export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret MLOPS_HTTP_BACKOFF_MS=1
printf 'not a real CA\n' >"$TEST_DIR/proj/ca.pem"

# s3: endpoint and region stored, used by push, overridden by --endpoint.
expect_exit 0 mlops remote add minio s3://models/team --endpoint http://127.0.0.1:9/ --region eu-west-3
expect_contains mlops.yaml "endpoint: http://127.0.0.1:9"
expect_not_contains mlops.yaml "127.0.0.1:9/"
expect_contains mlops.yaml "region: eu-west-3"
expect_exit 0 mlops --json remote list
expect_json "$TEST_DIR/out" '.[0].endpoint' "http://127.0.0.1:9"
expect_json "$TEST_DIR/out" '.[0].region' "eu-west-3"
expect_exit 5 mlops -vv push demo:1.0 minio
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/team/demo/"
expect_exit 5 mlops -vv push demo:1.0 minio --endpoint http://127.0.0.1:7
expect_contains "$TEST_DIR/err" "http://127.0.0.1:7/models/team/demo/"
expect_not_contains "$TEST_DIR/err" "127.0.0.1:9"
# pull REMOTE:REF with the remote's endpoint; REMOTE: alone names no package.
expect_exit 5 mlops -vv pull minio:demo:1.0
expect_contains "$TEST_DIR/err" "http://127.0.0.1:9/models/team/demo/"
expect_exit 2 mlops pull minio:
expect_contains "$TEST_DIR/err" "names no remote package"
# The region: without an endpoint, AWS's host for it (the request fails here: no network needed).
expect_exit 0 mlops remote add aws s3://models/team --region eu-west-3
expect_exit 5 mlops -vv push demo:1.0 aws
expect_contains "$TEST_DIR/err" "s3.eu-west-3.amazonaws.com"
# A URL given as it is takes none of a remote's settings.
expect_exit 5 mlops -vv push demo:1.0 s3://models/team
expect_contains "$TEST_DIR/err" "s3.us-east-1.amazonaws.com"

# --plain-http kept with the remote: plain http off loopback is then allowed (and fails to connect).
expect_exit 0 mlops remote add plain http://nowhere.invalid/models --plain-http
expect_contains mlops.yaml "plain_http: true"
expect_exit 5 mlops push demo:1.0 plain
expect_exit 0 mlops remote add strict http://nowhere.invalid/other
expect_exit 2 mlops push demo:1.0 strict
expect_contains "$TEST_DIR/err" "plain HTTP"
expect_exit 5 mlops push demo:1.0 strict --plain-http

# --ca-file: a relative path is kept relative to mlops.yaml and must exist.
mkdir -p sub
(cd sub && expect_exit 0 mlops remote add tls oci://registry.invalid/team --ca-file ../ca.pem)
expect_contains mlops.yaml "ca_file: ca.pem"
expect_exit 0 mlops --json remote list
expect_json "$TEST_DIR/out" '.[] | select(.name == "tls") | .ca_file' "$TEST_DIR/proj/ca.pem"
expect_exit 2 mlops remote add tls2 oci://registry.invalid/team --ca-file missing.pem
expect_contains "$TEST_DIR/err" "missing.pem"

# Settings that make no sense for the scheme, or a secret in the endpoint: refused, nothing written.
cp mlops.yaml "$TEST_DIR/before.yaml"
expect_exit 2 mlops remote add x oci://h/team --endpoint https://s3.example
expect_exit 2 mlops remote add x file:///srv/m --plain-http
expect_exit 2 mlops remote add x s3://bucket/p --endpoint https://user:pw@s3.example
expect_not_contains "$TEST_DIR/err" "pw"
expect_exit 2 mlops remote add x s3://bucket/p --endpoint 'https://s3.example/?X-Amz-Signature=abc'
expect_exit 2 mlops remote add x s3://bucket/p --region 'eu west'
cmp mlops.yaml "$TEST_DIR/before.yaml" || fail "a refused remote add changed mlops.yaml"

# Hand-written settings are checked when read: exit 4 with FILE:LINE.
sed -i 's|^    region: eu-west-3$|    region: "eu west"|' mlops.yaml
expect_exit 4 mlops remote list
expect_contains "$TEST_DIR/err" "mlops.yaml:"
