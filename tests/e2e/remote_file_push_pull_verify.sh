#!/usr/bin/env bash
# `mlops push` to a file:// remote writes an OCI image layout per repository (skopeo reads it
# as oci:DIR:TAG and copies every blob byte for byte); `mlops pull` of it into a second store
# gives the same manifest, the signature travels and verifies, and the files unpack the same.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key
digest=$(package_digest)
expect_exit 0 mlops package unpack demo:1.0 first

remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"
expect_eq "$(cat "$TEST_DIR/out")" "file://$remote/demo:1.0@$digest" "what push prints"
expect_file "$remote/demo/oci-layout"
expect_json "$remote/demo/index.json" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "1.0") | .digest' "$digest"

if command -v skopeo >/dev/null; then
  skopeo inspect --raw "oci:$remote/demo:1.0" >raw.json || fail "skopeo cannot read the pushed layout"
  expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads"
  skopeo copy -q "oci:$remote/demo:1.0" dir:copied || fail "skopeo cannot copy the pushed package"
  for d in $(jq -r '.layers[].digest, .config.digest' raw.json); do
    cmp "copied/${d#sha256:}" "$remote/demo/blobs/sha256/${d#sha256:}" || fail "skopeo copied $d differently"
  done
fi

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 0 mlops --json pull "file://$remote/demo:1.0"
expect_json "$TEST_DIR/out" .ref demo:1.0
expect_json "$TEST_DIR/out" .digest "$digest"
expect_json "$TEST_DIR/out" .signatures 1
expect_json "$TEST_DIR/out" .partial false
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub
expect_exit 0 mlops package unpack demo:1.0 second
expect_eq "$(tree_digest second)" "$(tree_digest first)" "files unpacked from the pulled package"
# -t names it locally.
expect_exit 0 mlops pull "file://$remote/demo:1.0" -t churn:prod
expect_eq "$(cat "$TEST_DIR/out")" churn:prod "what pull prints"
expect_exit 0 mlops --json package inspect churn:prod
expect_json "$TEST_DIR/out" .digest "$digest"
# By digest: pinned, untagged unless -t names it.
export MLOPS_HOME="$TEST_DIR/third-store"
expect_exit 0 mlops pull "file://$remote/demo@$digest"
expect_eq "$(cat "$TEST_DIR/out")" "$digest" "what a pull by digest prints"
expect_exit 0 mlops package verify "$digest"
expect_exit 3 mlops pull "file://$remote/demo:1.0@sha256:$(printf '0%.0s' $(seq 64))"
expect_clean_error
