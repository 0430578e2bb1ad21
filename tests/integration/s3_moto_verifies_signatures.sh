#!/usr/bin/env bash
# Against moto_server, which checks every SigV4 signature (s3rver checks none): a push with
# multipart parts, a re-push and a pull all pass its checks, so our signer's canonical
# requests (valueless ?uploads=, sorted ?partNumber=&uploadId=, the payload's real sha256)
# are what AWS computes; a wrong secret is a one-line auth error, exit 5, with no secret in
# any output; virtual-hosted addressing (BUCKET.localhost) signs and works too. Skipped where moto_server is not installed (CI).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server MOTO
use_s3 MOTO

make_package_project proj
head -c 11000000 /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
digest=$(package_digest)

# moto refuses parts under 5 MiB (as AWS does): 5 MiB parts from 6 MiB on, 3 parts.
export MLOPS_S3_MULTIPART_THRESHOLD=6291456 MLOPS_S3_PART_SIZE=5242880
expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/models" --jobs 3
expect_json "$TEST_DIR/out" .digest "$digest"
expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/models"
expect_json "$TEST_DIR/out" .blobs_sent 0
expect_exit 0 mlops --json pull "s3://$BUCKET/models/demo:1.0" --store "$TEST_DIR/second"
expect_json "$TEST_DIR/out" .digest "$digest"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "models/demo:1.0"

# Virtual-hosted addressing: the bucket in the host name, BUCKET.localhost (curl resolves
# *.localhost to this machine), signed with that Host.
vhost=${AWS_ENDPOINT_URL_S3/127.0.0.1/localhost}
MLOPS_S3_ADDRESSING=virtual expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/vhost" --endpoint "$vhost"
expect_json "$TEST_DIR/out" .digest "$digest"
MLOPS_S3_ADDRESSING=virtual expect_exit 0 mlops --json pull "s3://$BUCKET/vhost/demo:1.0" --store "$TEST_DIR/vstore" --endpoint "$vhost"
expect_json "$TEST_DIR/out" .digest "$digest"

secret=$AWS_SECRET_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY="wrong-${secret:6}"
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/other"
expect_clean_error
expect_contains "$TEST_DIR/err" "refused the credentials"
expect_exit 5 mlops -vv pull "s3://$BUCKET/models/demo:1.0" --store "$TEST_DIR/third"
for f in "$TEST_DIR/out" "$TEST_DIR/err"; do
  expect_not_contains "$f" "$secret"
  expect_not_contains "$f" "$AWS_SECRET_ACCESS_KEY"
  expect_not_contains "$f" "Signature="
done
