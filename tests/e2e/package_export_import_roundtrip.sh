#!/usr/bin/env bash
# `mlops package export` writes a deterministic OCI layout tarball (skopeo reads it; the same package gives the same bytes) holding the package and its signature; `mlops package import` into another store gives the same manifest digest, the signature still verifies, and the files unpack identically.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops --json package inspect demo:1.0
digest=$(jq -r .digest "$TEST_DIR/out")
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key

expect_exit 0 mlops package export demo:1.0 demo.tar
expect_exit 0 mlops package export demo:1.0 again.tar
cmp demo.tar again.tar || fail "two exports of the same package differ"
[ -z "$(find . -maxdepth 1 -name '*.tmp-*')" ] || fail "a temporary file was left next to the tarball"

# The layout: oci-layout, index.json and only blobs/sha256/<hex>; owners 0, times 0.
tar -tf demo.tar >listing
expect_contains listing oci-layout
expect_contains listing index.json
expect_contains listing "blobs/sha256/${digest#sha256:}"
if grep -vE '^(oci-layout|index\.json|blobs/|blobs/sha256/|blobs/sha256/[0-9a-f]{64})$' listing; then fail "unexpected entries in the tarball"; fi
if tar -tvf demo.tar | grep -v ' 0/0 .* 1970-01-01 00:00 '; then fail "an entry is not owned by 0/0 with time 0"; fi
tar -xOf demo.tar index.json >exported-index.json
expect_json exported-index.json '.manifests[0].annotations["org.opencontainers.image.ref.name"]' demo:1.0
expect_json exported-index.json '.manifests[1].annotations["ai.mlops.subject"]' "$digest"
if command -v skopeo >/dev/null; then
  skopeo inspect --raw oci-archive:demo.tar:demo:1.0 >raw.json || fail "skopeo cannot read the tarball"
  expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads"
fi

expect_exit 0 mlops package unpack demo:1.0 first

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 0 mlops package import demo.tar
expect_eq "$(cat "$TEST_DIR/out")" demo:1.0 "what import prints"
expect_exit 0 mlops --json package import demo.tar
expect_json "$TEST_DIR/out" '.imported | join(",")' demo:1.0
expect_exit 0 mlops --json package inspect demo:1.0
expect_json "$TEST_DIR/out" .digest "$digest"
expect_exit 0 mlops --json package list
expect_json "$TEST_DIR/out" 'length' 1
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub
expect_exit 0 mlops package unpack demo:1.0 second
expect_eq "$(tree_digest second)" "$(tree_digest first)" "files unpacked from the imported package"
