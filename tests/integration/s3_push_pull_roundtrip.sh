#!/usr/bin/env bash
# mlops push / pull against an S3 API (s3rver on loopback): the package lands as an OCI image
# layout under the prefix (fetched object by object into a directory, skopeo reads it as
# oci:DIR/REPO:TAG), a re-push sends no blob byte, a pull into a second store verifies with
# the key, and a blob over the multipart threshold goes up in parallel parts and comes back
# identical, leaving no upload journal behind.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server S3
use_s3 S3

make_package_project proj
head -c 3500000 /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key
digest=$(package_digest)

# Parts of 1 MB from 1.5 MB on: big.bin goes up in 4 parts, 4 at a time.
export MLOPS_S3_MULTIPART_THRESHOLD=1500000 MLOPS_S3_PART_SIZE=1000000
expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/team" --jobs 4
expect_json "$TEST_DIR/out" .digest "$digest"
expect_json "$TEST_DIR/out" .url "s3://$BUCKET/team/demo:1.0"
[ "$(jq -r .blobs_sent "$TEST_DIR/out")" -gt 0 ] || fail "the push sent no blob"
if [ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ]; then fail "upload journal left: $(ls "$MLOPS_HOME/mlops/uploads")"; fi

# The objects under the prefix are an OCI image layout.
mkdir -p synced/demo/blobs/sha256
for f in oci-layout index.json; do s3_curl -o "synced/demo/$f" "$AWS_ENDPOINT_URL_S3/$BUCKET/team/demo/$f"; done
expect_eq "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "1.0") | .digest' synced/demo/index.json)" \
  "$digest" "the tag in the remote index.json"
for d in $(jq -r '.manifests[].digest' synced/demo/index.json); do
  s3_curl -o "synced/demo/blobs/sha256/${d#sha256:}" "$AWS_ENDPOINT_URL_S3/$BUCKET/team/demo/blobs/sha256/${d#sha256:}"
  for b in $(jq -r '(.config.digest // empty), (.layers[]?.digest)' "synced/demo/blobs/sha256/${d#sha256:}"); do
    s3_curl -o "synced/demo/blobs/sha256/${b#sha256:}" "$AWS_ENDPOINT_URL_S3/$BUCKET/team/demo/blobs/sha256/${b#sha256:}"
  done
done
for f in synced/demo/blobs/sha256/*; do
  expect_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$(basename "$f")" "the content of object $f"
done
big=$(find synced/demo/blobs/sha256 -size +3000k -printf '%f\n')
[ -n "$big" ] || fail "no multipart-sized object in the layout"
if command -v skopeo >/dev/null; then
  skopeo inspect --raw "oci:$TEST_DIR/synced/demo:1.0" >raw.json || fail "skopeo cannot read the synced layout"
  expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads"
fi

expect_exit 0 mlops --json push demo:1.0 "s3://$BUCKET/team"
expect_json "$TEST_DIR/out" .bytes_sent 0
expect_json "$TEST_DIR/out" .blobs_sent 0

expect_exit 0 mlops --json pull "s3://$BUCKET/team/demo:1.0" --store "$TEST_DIR/second"
expect_json "$TEST_DIR/out" .digest "$digest"
[ "$(jq -r .signatures "$TEST_DIR/out")" -ge 1 ] || fail "the signature did not come with the pull"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "team/demo:1.0" --key signing.key.pub
cmp "synced/demo/blobs/sha256/$big" "$TEST_DIR/second/blobs/sha256/$big" || fail "the pulled big blob differs"
