#!/usr/bin/env bash
# An object changed on the server after the push (same key, other bytes) is refused on pull:
# exit 4 naming the digest, and nothing lands in the store (no blob of that digest, no tag, no
# partial left that a later pull would trust).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server S3
use_s3 S3

# --endpoint rather than the environment this time.
endpoint=$AWS_ENDPOINT_URL_S3
unset AWS_ENDPOINT_URL_S3
package_project
expect_exit 0 mlops push demo:1.0 "s3://$BUCKET/c" --endpoint "$endpoint"
model=$(jq -r '.layers[] | select(.size == 2000000) | .digest' "$(store_blob "$(package_digest)")")
[ -n "$model" ] || fail "no model layer found"
head -c 2000000 /dev/urandom >evil.bin
s3_curl -X PUT -T evil.bin "$endpoint/$BUCKET/c/demo/blobs/sha256/${model#sha256:}" >/dev/null

second="$TEST_DIR/second"
expect_exit 4 mlops pull "s3://$BUCKET/c/demo:1.0" --store "$second" --endpoint "$endpoint"
expect_clean_error
expect_contains "$TEST_DIR/err" "${model:0:19}"
[ ! -e "$second/blobs/sha256/${model#sha256:}" ] || fail "the corrupt blob landed in the store"
if [ -f "$second/index.json" ]; then
  expect_eq "$(jq '.manifests | length' "$second/index.json")" 0 "index entries after a refused pull"
fi
