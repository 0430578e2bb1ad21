#!/usr/bin/env bash
# The object at blobs/sha256/<X> must hash to X for a manifest too, not only for a layer: a
# server that swapped in other (valid) manifest bytes under the tag's digest is refused on
# pull (exit 4, naming the digest), as the http and file backends do, and nothing is tagged.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server MOTO
use_s3 MOTO

package_project
expect_exit 0 mlops push demo:1.0 "s3://$BUCKET/m"
digest=$(package_digest)
jq -c '.annotations["evil"] = "swapped"' "$(store_blob "$digest")" >evil.json
s3_curl -X PUT -T evil.json "$AWS_ENDPOINT_URL_S3/$BUCKET/m/demo/blobs/sha256/${digest#sha256:}" >/dev/null

second="$TEST_DIR/second"
expect_exit 4 mlops pull "s3://$BUCKET/m/demo:1.0" --store "$second"
expect_clean_error
expect_contains "$TEST_DIR/err" "${digest:0:19}"
if [ -f "$second/index.json" ]; then
  expect_eq "$(jq '.manifests | length' "$second/index.json")" 0 "index entries after a refused pull"
fi
