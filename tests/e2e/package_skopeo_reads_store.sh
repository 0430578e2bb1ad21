#!/usr/bin/env bash
# The store is a standard OCI image layout: skopeo (an independent OCI client) reads the
# package by tag and copies every blob byte for byte.
. "$(dirname "$0")/harness.sh"
command -v skopeo >/dev/null || skip "skopeo is not installed"

make_package_project proj
expect_exit 0 mlops --json -C proj package build
digest=$(jq -r .digest "$TEST_DIR/out")
skopeo inspect --raw "oci:$MLOPS_HOME:demo:1.0" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "manifest digest seen by skopeo"
expect_json raw.json .artifactType application/vnd.cncf.model.manifest.v1+json
skopeo copy -q "oci:$MLOPS_HOME:demo:1.0" dir:copied
for d in $(jq -r '.layers[].digest, .config.digest' raw.json); do
  cmp "copied/${d#sha256:}" "$(store_blob "$d")" || fail "skopeo copied $d differently"
done
